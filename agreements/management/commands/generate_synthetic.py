"""Generate a reproducible synthetic national data set for the benchmark (bulk inserts).

Always 21 regions and 290 municipalities; at --scale 1: 3 000 non-profits, 10 000
agreements (a third three-party), 40 000 funding shares, 30 000 reports, 20 000 payments and
200 users. The same --seed always gives the same rows. History rows are not written (bulk
inserts bypass django-simple-history), which the benchmark does not need.
"""

import itertools
import random
import time
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from stdnum import luhn

from agreements.due.store import refresh_due_items
from agreements.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    Membership,
    Obligation,
    ObligationKind,
    Party,
    PartyKind,
    PartyRole,
    Report,
    ReportPeriod,
    ReportStatus,
    Role,
)
from funding.models import FundingLine, Payment, PaymentPlan, Share

BATCH = 2000
# Sizes at --scale 1 (issue 7).
REGIONS = 21
MUNICIPALITIES = 290
NONPROFITS = 3000
AGREEMENTS = 10_000
SHARES = 40_000
REPORTS = 30_000
PAYMENTS = 20_000
USERS = 200
BENCH_PASSWORD = "bench-pass-1234"  # noqa: S105 (synthetic users only)

STATUSES = [
    (AgreementStatus.ACTIVE, 50),
    (AgreementStatus.ENDED, 20),
    (AgreementStatus.SIGNED, 8),
    (AgreementStatus.DECIDED, 6),
    (AgreementStatus.PROPOSED, 6),
    (AgreementStatus.DRAFT, 8),
    (AgreementStatus.TERMINATED, 2),
]
TOPICS = [
    "Stöd till våldsutsatta",
    "Behandling av krigs- och tortyrskadade",
    "Kvinno- och tjejjour",
    "Läxhjälp och fritid",
    "Anhörigstöd",
    "Brukarstödcenter",
    "Sociala företag och arbetsträning",
    "Hälsofrämjande insatser för äldre",
    "Mötesplats för nyanlända",
    "Stödboende för unga",
]


def org_number(prefix, n):
    """A valid organisationsnummer NNNNNN-NNNN from a 4-digit prefix and a serial number."""
    body = f"{prefix}{n:05d}"
    assert len(body) == 9
    digits = body + luhn.calc_check_digit(body)
    return f"{digits[:6]}-{digits[6:]}"


def years_of(agreement):
    return list(range(agreement.period_start.year, agreement.period_end.year + 1))


def scaled(n, scale, minimum=1):
    return max(minimum, round(n * scale))


def _vacuum_analyze():
    """VACUUM ANALYZE, or ANALYZE alone inside a transaction (a test's), where VACUUM cannot run."""
    in_transaction = connection.in_atomic_block or not connection.get_autocommit()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if in_transaction else "VACUUM ANALYZE")


class Command(BaseCommand):
    help = "Generate a reproducible synthetic data set for `make bench` (bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = 10 000 agreements.")
        parser.add_argument("--seed", type=int, default=20261125)
        parser.add_argument(
            "--flush", action="store_true", help="Empty the database first (all data!)."
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Do nothing when the database already holds a data set of this size.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even when DEBUG is off (never on live data)."
        )

    def handle(self, *args, scale, seed, flush, reuse, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG är avstängt: syntetiska data skapas inte utan --force.")
        if scale <= 0:
            raise CommandError("--scale must be positive")
        expected = scaled(AGREEMENTS, scale)
        existing = Agreement.objects.count()
        # A data set from before payment plans were generated is made again.
        if reuse and existing == expected and PaymentPlan.objects.exists():
            self.stdout.write(f"{existing} agreements already present; reusing them.")
            self.store_due_items()
            return
        if flush:
            call_command("flush", interactive=False, verbosity=0)
        elif existing:
            raise CommandError("The database already holds agreements; use --flush or --reuse.")
        started = time.monotonic()
        with transaction.atomic():
            counts = Generator(scale=scale, seed=seed).run()
        if connection.vendor == "postgresql":
            # What autovacuum does soon after a bulk load (PostgreSQL 13+ vacuums after
            # inserts), done now: fresh planner statistics, and the visibility map that lets
            # counts read the index alone. Without it the benchmark would time bad plans.
            _vacuum_analyze()
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Generated in {elapsed:.1f} s: {summary}"))
        self.store_due_items()

    def store_due_items(self):
        """The dashboard's stored due items, as the nightly send_reminders run leaves them."""
        started = time.monotonic()
        refreshed = refresh_due_items(Agreement.objects.all(), today=timezone.localdate())
        if refreshed and connection.vendor == "postgresql":
            _vacuum_analyze()
        self.stdout.write(
            f"Due items stored for {refreshed} agreements in {time.monotonic() - started:.1f} s"
        )


class Generator:
    def __init__(self, *, scale, seed):
        self.scale = scale
        self.rnd = random.Random(seed)
        self._cum_weights = {}

    def run(self):
        regions, municipalities, nonprofits = self.parties()
        agreements, parties_of = self.agreements(regions, municipalities, nonprofits)
        lines = self.funding(agreements, parties_of)
        plans = self.payment_plans(lines, parties_of)
        shares = self.shares(lines)
        payments = self.payments(shares)
        reports = self.reports(agreements, parties_of)
        users = self.users(regions, municipalities, nonprofits)
        return {
            "regions": len(regions),
            "municipalities": len(municipalities),
            "non-profits": len(nonprofits),
            "agreements": len(agreements),
            "three-party": sum(1 for a in agreements if len(parties_of[a.pk]) == 3),
            "funding lines": len(lines),
            "payment plans": plans,
            "shares": len(shares),
            "payments": payments,
            "reports": reports,
            "users": users,
        }

    def parties(self):
        # Sweden has 21 regions and 290 municipalities whatever the scale.
        n_regions, n_municipalities = REGIONS, MUNICIPALITIES
        n_nonprofits = scaled(NONPROFITS, self.scale)
        rows = [
            Party(
                name=f"Region {i + 1:02d}",
                kind=PartyKind.REGION,
                org_number=org_number("2321", i),
                unit="Hälso- och sjukvårdsförvaltningen",
                city="Regionstad",
            )
            for i in range(n_regions)
        ]
        rows += [
            Party(
                name=f"Kommun {i + 1:03d}",
                kind=PartyKind.MUNICIPALITY,
                org_number=org_number("2120", i),
                unit="Socialförvaltningen",
                city="Kommunstad",
            )
            for i in range(n_municipalities)
        ]
        rows += [
            Party(
                name=f"Förening {i + 1:05d}",
                kind=PartyKind.NONPROFIT,
                org_number=org_number(f"80{i // 100_000:02d}", i % 100_000),
                bankgiro="403-4849",
                city="Föreningsstad",
            )
            for i in range(n_nonprofits)
        ]
        created = Party.objects.bulk_create(rows, batch_size=BATCH)
        regions = created[:n_regions]
        municipalities = created[n_regions : n_regions + n_municipalities]
        nonprofits = created[n_regions + n_municipalities :]
        return regions, municipalities, nonprofits

    def pick_skewed(self, items, skew=1.0):
        """One item, the first ones far more often (Zipf-like): a few large regions."""
        key = (id(items), skew)
        if key not in self._cum_weights:
            self._cum_weights[key] = list(
                itertools.accumulate(1 / (i + 1) ** skew for i in range(len(items)))
            )
        return self.rnd.choices(items, cum_weights=self._cum_weights[key], k=1)[0]

    def agreements(self, regions, municipalities, nonprofits):
        rnd = self.rnd
        n = scaled(AGREEMENTS, self.scale)
        statuses, weights = zip(*STATUSES, strict=True)
        agreements, plan = [], []
        for i in range(n):
            start = date(rnd.randint(2018, 2027), rnd.choice([1, 1, 1, 4, 7]), 1)
            years = rnd.choice([2, 3, 3, 4])
            end = date(start.year + years, start.month, 1) - timedelta(days=1)
            three_party = i % 3 == 0
            region = self.pick_skewed(regions)
            # A handful of non-profits run many agreements; most run one or two.
            nonprofit = self.pick_skewed(nonprofits, skew=1.1)
            public = [region]
            if three_party or rnd.random() < 0.3:
                public.append(rnd.choice(municipalities))
            if not three_party and len(public) == 2:
                public = public[1:]  # a two-party agreement with a municipality only
            agreements.append(
                Agreement(
                    title=f"{rnd.choice(TOPICS)} {i + 1}",
                    case_number=f"SYN {start.year}-{i + 1:06d}",
                    subject="Syntetisk överenskommelse för prestandamätning.",
                    period_start=start,
                    period_end=end,
                    extension_months=rnd.choice([None, 12, 24]),
                    notice_months=rnd.choice([None, 6, 9]),
                    status=rnd.choices(statuses, weights=weights, k=1)[0],
                )
            )
            plan.append(public + [nonprofit])
        agreements = Agreement.objects.bulk_create(agreements, batch_size=BATCH)
        links, parties_of = [], {}
        for agreement, parties in zip(agreements, plan, strict=True):
            parties_of[agreement.pk] = parties
            for position, party in enumerate(parties):
                role = (
                    PartyRole.NONPROFIT if party.kind == PartyKind.NONPROFIT else PartyRole.PUBLIC
                )
                links.append(
                    AgreementParty(agreement=agreement, party=party, role=role, position=position)
                )
        AgreementParty.objects.bulk_create(links, batch_size=BATCH)
        Obligation.objects.bulk_create(
            (
                Obligation(
                    agreement=a,
                    kind=ObligationKind.TERTIAL_REPORT,
                    responsible=parties_of[a.pk][-1],
                    recipient=parties_of[a.pk][0],
                    days_after_period=30,
                )
                for a in agreements
            ),
            batch_size=BATCH,
        )
        return agreements, parties_of

    def funding(self, agreements, parties_of):
        """One cash funding line per public party of each agreement."""
        rows = [
            FundingLine(
                agreement=a,
                party=party,
                receiver=parties_of[a.pk][-1],
                kind="cash",
                budget="Synthetic budget",
                position=position,
            )
            for a in agreements
            for position, party in enumerate(parties_of[a.pk][:-1])
        ]
        return FundingLine.objects.bulk_create(rows, batch_size=BATCH)

    def payment_plans(self, lines, parties_of):
        """Each line paid to its receiver, the agreement's non-profit: yearly or quarterly."""
        rows = [
            PaymentPlan(
                line=line,
                installments_per_year=self.rnd.choice((1, 1, 4)),
                bankgiro="403-4849",
                reference=f"SYN-{line.agreement_id}",
            )
            for line in lines
        ]
        PaymentPlan.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    def shares(self, lines):
        target = scaled(SHARES, self.scale)
        by_agreement = {}
        rows = []
        # Round-robin over the lines' years until the target count: the earliest years first.
        pending = [
            (
                line,
                list(range(line.agreement.period_start.year, line.agreement.period_end.year + 1)),
            )
            for line in lines
        ]
        while pending and len(rows) < target:
            still = []
            for line, years in pending:
                if len(rows) >= target:
                    break
                year = years.pop(0)
                amount = by_agreement.setdefault(line.pk, self.rnd.randrange(50, 2000) * 1000)
                rows.append(Share(line=line, year=year, amount=amount))
                if years:
                    still.append((line, years))
            pending = still
        return Share.objects.bulk_create(rows, batch_size=BATCH)

    def payments(self, shares):
        target = scaled(PAYMENTS, self.scale)
        rows = [
            Payment(
                line_id=share.line_id,
                year=share.year,
                paid_on=date(share.year, 1, 25),
                amount=share.amount,
                reference=f"SYN-{share.line_id}-{share.year}",
            )
            for share in shares[:target]
        ]
        Payment.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    def reports(self, agreements, parties_of):
        target = scaled(REPORTS, self.scale)
        periods = [ReportPeriod.T1, ReportPeriod.T2, ReportPeriod.T3, ReportPeriod.ANNUAL]
        due = {
            ReportPeriod.T1: (5, 31),
            ReportPeriod.T2: (9, 30),
            ReportPeriod.T3: (1, 31),
            ReportPeriod.ANNUAL: (3, 1),
        }
        rows = []
        slots = [
            (a, a.period_start.year + k // 4, periods[k % 4])
            for a in agreements
            for k in range(4 * (a.period_end.year - a.period_start.year + 1))
        ]
        step = max(1, len(slots) // target) if target else 1
        for a, year, period in slots[::step][:target]:
            month, day = due[period]
            due_year = year + 1 if period in (ReportPeriod.T3, ReportPeriod.ANNUAL) else year
            submitted = due_year < 2026
            rows.append(
                Report(
                    agreement=a,
                    party=parties_of[a.pk][-1],
                    year=year,
                    period=period,
                    due_date=date(due_year, month, day),
                    status=ReportStatus.SUBMITTED if submitted else ReportStatus.DRAFT,
                    submitted_at=(
                        datetime(due_year, month, min(day, 28), 11, tzinfo=UTC)
                        if submitted
                        else None
                    ),
                    text="Redovisning enligt överenskommelsen." if submitted else "",
                )
            )
        Report.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    def users(self, regions, municipalities, nonprofits):
        """Region administrators and secretaries, municipal administrators, coordinators."""
        n = scaled(USERS, self.scale, minimum=4)
        password = make_password(BENCH_PASSWORD)
        # The largest region's administrator and the busiest non-profit's coordinator first,
        # so even the smallest scale has the two users the benchmark logs in as.
        plan = [(regions[0], Role.ADMINISTRATOR), (nonprofits[0], Role.COORDINATOR)]
        plan += [(region, Role.ADMINISTRATOR) for region in regions[1:]]
        plan += [(region, Role.SECRETARY) for region in regions]
        plan += [(municipality, Role.ADMINISTRATOR) for municipality in municipalities[:20]]
        plan += [(nonprofit, Role.COORDINATOR) for nonprofit in nonprofits[1:]]
        plan = plan[:n]
        User = get_user_model()
        users = User.objects.bulk_create(
            [
                User(
                    username=f"syn.{role}.{party.org_number.replace('-', '')}",
                    password=password,
                    first_name=role.label,
                    last_name=party.name,
                )
                for party, role in plan
            ],
            batch_size=BATCH,
        )
        Membership.objects.bulk_create(
            [
                Membership(user=user, party=party, role=role)
                for user, (party, role) in zip(users, plan, strict=True)
            ],
            batch_size=BATCH,
        )
        return len(users)
