"""Forms of an organisation's members pages: invite, change role, accept an invitation."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import Role


def _role_choices(roles):
    return [(role, Role(role).label) for role in roles]


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-postadress"),
        max_length=150,  # it becomes the new account's user name
        help_text=_("Personen får en länk med e-post. Länken gäller i sju dagar."),
    )
    role = forms.ChoiceField(label=_("Roll"), choices=(), widget=forms.RadioSelect)

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)
        if len(roles) == 1:
            self.fields["role"].initial = roles[0]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Roll"), choices=(), widget=forms.RadioSelect)

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)


class NewAccountForm(forms.Form):
    """The invitee's own account: name and password (Django's password rules)."""

    first_name = forms.CharField(label=_("Förnamn"), max_length=150)
    last_name = forms.CharField(label=_("Efternamn"), max_length=150)
    password1 = forms.CharField(
        label=_("Lösenord"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minst 8 tecken, inte bara siffror och inte ett vanligt lösenord."),
    )
    password2 = forms.CharField(
        label=_("Lösenordet igen"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password2(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError(_("Lösenorden är inte lika."))
        return second

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get("password2")
        if password:
            from django.contrib.auth import get_user_model

            probe = get_user_model()(
                username=self.email,
                email=self.email,
                first_name=self.cleaned_data.get("first_name", ""),
                last_name=self.cleaned_data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as error:
                self.add_error("password2", error)
