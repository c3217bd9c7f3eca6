// The OpenID Connect provider the SSO tests log in through (tests/sso/conftest.py).
// Usage: node provider.mjs CONFIG.json; listens on a free port of 127.0.0.1 and prints
// "ready <issuer>" once it answers. CONFIG holds the client, the signing key (private JWK)
// and the accounts: {"accounts": {"<login>": {claims...}}}. Any password is accepted
// (oidc-provider's development login form); the account is the login typed. Logging out
// goes through its end-session endpoint, /session/end (on by default), to the client's
// post_logout_redirect_uris.
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [config.client],
    jwks: { keys: [config.jwk] },
    cookies: { keys: ['iop-test-cookie-key'] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      groups: ['groups'],
    },
    // Every client must send a PKCE challenge (S256), not only public ones.
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    async findAccount(ctx, id) {
      const claims = config.accounts[id] || {};
      return { accountId: id, async claims() { return { sub: id, ...claims }; } };
    },
  });
  server.on('request', provider.callback());
  console.log(`ready ${issuer}`);
});
