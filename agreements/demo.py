"""Build the two real cases of ../shared/seeds/ as demo data, plus the demo users.

Idempotent: each case is created once, keyed by its agreements' titles and periods;
a second run finds them and changes nothing.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from funding.models import (
    FundingLine,
    IndexSeries,
    IndexValue,
    PaymentPlan,
    Share,
    ShareKind,
    ValueStatus,
)

from .models import (
    Agreement,
    AgreementParty,
    AgreementSection,
    AgreementStatus,
    CapacityTarget,
    CaseDocument,
    ContactPerson,
    Decision,
    DecisionCondition,
    DecisionItem,
    DecisionKind,
    DecisionOutcome,
    Membership,
    Obligation,
    ObligationKind,
    Party,
    PartyKind,
    PartyRole,
    PredecessorRelation,
    ResourceContribution,
    Role,
    Signatory,
)

EXAMPLE_SOURCE = "Exempelvärde för demo, ej SKR-publicerat"

DEMO_USERS = [
    # username, first, last, organisation org number, role
    ("region.vasterbotten", "Vera", "Västerbotten", "232100-0222", Role.ADMINISTRATOR),
    ("region.skane", "Sara", "Skåne", "232100-0255", Role.ADMINISTRATOR),
    ("rodakorset", "Rut", "Korsell", "802002-8711", Role.COORDINATOR),
    ("sekreterare.skane", "Sigge", "Sekreterare", "232100-0255", Role.SECRETARY),
]

VB_TITLE = "Behandlingscenter för krigsskadade och torterade personer"
SK_TITLE = "Barnverksamhet vid Röda Korsets behandlingscentrum i Malmö"


def load_demo(*, password):
    """Create parties, both cases and the demo users; return a list of what was created."""
    created = []
    with transaction.atomic():
        parties = _parties()
        lpik = _index_series()
        if not Agreement.objects.filter(title=VB_TITLE, period_start=date(2026, 1, 1)).exists():
            _vasterbotten(parties, lpik)
            created.append("Region Västerbotten – Svenska Röda Korset 2026–2028")
        if not Agreement.objects.filter(title=SK_TITLE, period_start=date(2021, 1, 1)).exists():
            _skane(parties)
            created.append("Region Skåne – Malmö stad – Svenska Röda Korset 2016–2024")
        created += _users(password)
    return created


def _party(org_number, **fields):
    party, _ = Party.objects.get_or_create(org_number=org_number, defaults=fields)
    return party


def _parties():
    srk = _party(
        "802002-8711",
        name="Svenska Röda Korset",
        kind=PartyKind.NONPROFIT,
        unit="avdelning Hälsa och vård",
        address_line="Box 17 563",
        postal_code="118 91",
        city="Stockholm",
        bankgiro="403-4849",
    )
    vb = _party(
        "232100-0222",
        name="Region Västerbotten",
        kind=PartyKind.REGION,
        postal_code="901 89",
        city="Umeå",
    )
    # Region Skåne and Malmö stad: org numbers not in the proposal but public (seeds/NOTES.md).
    sk = _party("232100-0255", name="Region Skåne", kind=PartyKind.REGION)
    # Malmö stad has no users in the demo: Region Skåne, which registered it, keeps its record.
    malmo = _party("212000-1124", name="Malmö stad", kind=PartyKind.MUNICIPALITY, registered_by=sk)
    for party, name, title, email in [
        (sk, "Bim Soerich", "Handläggare", "Bim.Soerich@skane.se"),
        (sk, "Pia Lundbom", "Hälso- och sjukvårdsdirektör", ""),
        (sk, "Gilbert Tribo", "Ordförande, Hälso- och sjukvårdsnämnden", ""),
        (vb, "Pia Näsvall", "Hälso- och sjukvårdsdirektör", ""),
        (srk, "Ulrika Wickman", "Avdelningschef Hälsa och vård", ""),
        (srk, "Ulrika Modéer", "Generalsekreterare", ""),
    ]:
        ContactPerson.objects.get_or_create(
            party=party, name=name, defaults={"title": title, "email": email}
        )
    return {"srk": srk, "vb": vb, "sk": sk, "malmo": malmo}


def _index_series():
    lpik, _ = IndexSeries.objects.get_or_create(
        name="LPIK exklusive läkemedel",
        owner=None,  # national: maintained by those the operator trusts with it
        defaults={
            "publisher": "Sveriges Kommuner och Regioner (SKR)",
            "description": (
                "Landstingsprisindex exklusive läkemedel. SKR publicerar prognos (preliminärt) "
                "vid varje skatteunderlagsprognos, bl.a. i oktober, och utfall (slutligt) "
                "för föregående år under våren."
            ),
        },
    )
    # No vetted SKR series is available offline: the one value is an example, labelled so.
    IndexValue.objects.get_or_create(
        series=lpik,
        year=2027,
        status=ValueStatus.PRELIMINARY,
        defaults={"percent": "3.000", "published_on": date(2026, 10, 15), "source": EXAMPLE_SOURCE},
    )
    return lpik


def _sections(agreement, sections):
    AgreementSection.objects.bulk_create(
        AgreementSection(agreement=agreement, position=i, heading=h, body=b.strip())
        for i, (h, b) in enumerate(sections)
    )


def _vasterbotten(p, lpik):
    agreement = Agreement.objects.create(
        title=VB_TITLE,
        subject=(
            "Samarbete om behandlings- och stödinsatser för personer som drabbats av "
            "traumatisering och psykisk ohälsa till följd av tortyr, krig eller svåra "
            "flyktupplevelser."
        ),
        period_start=date(2026, 1, 1),
        period_end=date(2028, 12, 31),
        notice_months=9,
        status=AgreementStatus.ACTIVE,
        signed_digitally=True,
        contributions_intro=(
            "Parterna ska tillsammans i dialog identifiera utvecklingsområden för samverkan "
            "inom ramen för denna överenskommelse och använda gemensamma resurser för "
            "målgruppens bästa."
        ),
        renegotiation_text=(
            "Parterna är överens om en långsiktig intention i partnerskapet. Om väsentligt "
            "förändrade omständigheter inträffar, äger båda parterna rätten att när som helst "
            "begära omförhandling, alternativt säga upp överenskommelsen."
        ),
    )
    _sections(agreement, VB_SECTIONS)
    region = AgreementParty.objects.create(
        agreement=agreement, party=p["vb"], role=PartyRole.PUBLIC, position=0
    )
    srk = AgreementParty.objects.create(
        agreement=agreement,
        party=p["srk"],
        role=PartyRole.NONPROFIT,
        short_name="SRK",
        unit="avdelning Hälsa och vård",
        position=1,
    )
    Signatory.objects.create(
        agreement_party=region, name="Pia Näsvall", title="Hälso- och sjukvårdsdirektör"
    )
    Signatory.objects.create(
        agreement_party=srk,
        name="Ulrika Wickman",
        title="Avdelningschef Hälsa och vård",
        position=0,
    )
    Signatory.objects.create(
        agreement_party=srk, name="Ulrika Modéer", title="Generalsekreterare", position=1
    )
    for i, text in enumerate(SRK_CONTRIBUTIONS):
        ResourceContribution.objects.create(agreement_party=srk, position=i, description=text)
    for i, text in enumerate(VB_CONTRIBUTIONS):
        ResourceContribution.objects.create(agreement_party=region, position=i, description=text)

    Obligation.objects.create(
        agreement=agreement,
        kind=ObligationKind.TERTIAL_REPORT,
        responsible=p["srk"],
        # The agreement sets no number of days after the tertial's end.
    )
    Obligation.objects.create(
        agreement=agreement,
        kind=ObligationKind.ANNUAL_REPORT,
        responsible=p["srk"],
        recipient=p["vb"],
        recipient_description="utsedd kontaktperson i Regionen",
        parts=["verksamhetsberättelse", "verksamhetsplan", "patientsäkerhetsberättelse"],
        due_before_month=3,
        due_before_day=1,
    )
    Obligation.objects.create(
        agreement=agreement,
        kind=ObligationKind.MEETINGS,
        responsible=p["srk"],
        min_per_year=3,
        # The rest of the seed's paragraph (the tertial reports, who calls) is printed from
        # the obligations themselves.
        description="Parterna är överens om att hålla samverkansmöten för dialog och "
        "uppföljning där de informerar varandra om respektive verksamhets innehåll, "
        "utveckling, planering, förutsättningar och förändringar.",
    )

    line = FundingLine.objects.create(
        agreement=agreement,
        party=p["vb"],
        receiver=p["srk"],
        kind=ShareKind.CASH,
        purpose="Resursbidrag",
        uplift_series=lpik,
        uplift_first_year=2027,
        uplift_basis=ValueStatus.PRELIMINARY,
        uplift_published_month=10,
        uplift_fallback=(
            "Om publicering av LPIK exkl. läkemedel på SKR:s hemsida upphör ska parterna "
            "överenskomma ett nytt index för hur uppräkning ska ske."
        ),
    )
    Share.objects.bulk_create(
        Share(line=line, year=y, amount=1_726_000) for y in agreement.funding_years
    )
    PaymentPlan.objects.create(
        line=line,
        installments_per_year=1,
        first_month=1,
        due_day=31,
        bankgiro="403-4849",
        reference="825-V10050",
    )
    # The seeds hold no decision for Västerbotten: a record with its facts still to be filled in.
    decision = Decision.objects.create(
        organisation=p["vb"],
        kind=DecisionKind.AGREEMENT,
        outcome=DecisionOutcome.PROPOSED,
        title="Överenskommelse om idéburet offentligt partnerskap med Svenska Röda Korset",
    )
    decision.agreements.add(agreement)


def _skane(p):
    three = [
        (p["sk"], PartyRole.PUBLIC, ""),
        (p["malmo"], PartyRole.PUBLIC, ""),
        (
            p["srk"],
            PartyRole.NONPROFIT,
            "Röda Korsets behandlingscentrum för krigs- och tortyrskadade i Malmö",
        ),
    ]

    def agreement(start, end, status, **extra):
        a = Agreement.objects.create(
            title=SK_TITLE,
            subject="Barnverksamhet vid Röda Korsets behandlingscentrum för "
            "krigs- och tortyrskadade i Malmö.",
            period_start=start,
            period_end=end,
            status=status,
            **extra,
        )
        for i, (party, role, unit) in enumerate(three):
            AgreementParty.objects.create(
                agreement=a, party=party, role=role, unit=unit, position=i
            )
        return a

    first = agreement(date(2016, 1, 1), date(2018, 12, 31), AgreementStatus.ENDED)
    extension = agreement(
        date(2019, 1, 1),
        date(2020, 12, 31),
        AgreementStatus.ENDED,
        predecessor=first,
        predecessor_relation=PredecessorRelation.EXTENDS,
    )
    # The proposal once says "2021-01-31-2024-12-31"; everywhere else 2021–2024, the
    # yearly amounts run 2021–2024 and the predecessor ends 2020-12-31: 2021-01-01 it is.
    current = agreement(
        date(2021, 1, 1),
        date(2024, 12, 31),
        AgreementStatus.PROPOSED,
        predecessor=extension,
        predecessor_relation=PredecessorRelation.CONTINUES,
        extension_months=24,
    )
    _sections(current, SK_SECTIONS)
    Obligation.objects.create(
        agreement=current,
        kind=ObligationKind.MEETINGS,
        min_per_year=2,
        description="Återkoppling, utvärdering och dialog mellan parterna sker på samverkansmöten.",
    )
    CapacityTarget.objects.create(agreement=current, description="barn", quantity=70)
    CapacityTarget.objects.create(agreement=current, description="föräldrar", quantity=40)
    budget = "hälso- och sjukvårdsnämndens budget för övrig hälso- och sjukvård"
    # Region and city pay Röda Korset; Röda Korset's own contribution has no receiver.
    for i, (party, amount, line_budget, receiver) in enumerate(
        [
            (p["sk"], 400_000, budget, p["srk"]),
            (p["malmo"], 400_000, "", p["srk"]),
            (p["srk"], 270_000, "", None),
        ]
    ):
        line = FundingLine.objects.create(
            agreement=current,
            party=party,
            receiver=receiver,
            kind=ShareKind.CASH,
            budget=line_budget,
            position=i,
        )
        Share.objects.bulk_create(
            Share(line=line, year=y, amount=amount) for y in current.funding_years
        )

    def decision(organisation, body, on, paragraph, summary, kind, agreements=(), cites=()):
        d = Decision.objects.create(
            organisation=organisation,
            body=body,
            decided_on=on,
            paragraph=paragraph,
            summary=summary,
            kind=kind,
            outcome=DecisionOutcome.APPROVED,
        )
        d.agreements.set(agreements)
        d.cites.set(cites)
        return d

    framework = decision(
        p["sk"],
        "Regionfullmäktige",
        date(2010, 6, 29),
        "57",
        "att anta ett förslag till överenskommelse mellan Region Skåne och den idéburna sektorn",
        DecisionKind.FRAMEWORK,
    )
    seven = decision(
        p["sk"],
        "Hälso- och sjukvårdsnämnden",
        date(2012, 12, 10),
        "",
        "att teckna överenskommelser om Idéburet Offentligt partnerskap med sju idéburna "
        "organisationer, bland dem Röda Korsets behandlingscentrum för krigs- och "
        "tortyrskadade i Malmö",
        DecisionKind.AGREEMENT,
        cites=[framework],
    )
    three_party = decision(
        p["sk"],
        "Hälso- och sjukvårdsnämnden",
        date(2015, 12, 2),
        "190",
        "att teckna överenskommelse om Idéburet Offentligt partnerskap mellan de tre parterna "
        "Region Skåne, Malmö stad och Röda Korset för perioden 2016-01-01 – 2018-12-31 "
        "gällande den barnverksamhet som bedrivs på behandlingscentret",
        DecisionKind.AGREEMENT,
        agreements=[first],
        cites=[seven],
    )
    extended = decision(
        p["sk"],
        "Hälso- och sjukvårdsnämnden",
        date(2018, 3, 1),
        "15",
        "att förlänga överenskommelsen med två år för perioden 2019-01-01 – 2020-12-31",
        DecisionKind.EXTENSION,
        agreements=[extension],
        cites=[three_party],
    )
    proposal = Decision.objects.create(
        organisation=p["sk"],
        body="Hälso- och sjukvårdsnämnden",
        kind=DecisionKind.AGREEMENT,
        outcome=DecisionOutcome.PROPOSED,
        title="Överenskommelse om IOP med Röda korset om barnverksamhet",
        proposal_date=date(2020, 2, 5),
        case_officer_name="Bim Soerich",
        case_officer_email="Bim.Soerich@skane.se",
        document_identifier=(
            "C9A9AF79-D0AD-144A-6B9B-AB69B1378E63:1BC0A8D9-A98A-594D-A9FA-E660D5270CC2"
        ),
        proposal_summary=SK_SUMMARY.strip(),
        background=SK_BACKGROUND.strip(),
        legal_assessment="Samråd med regionjuristerna har inte bedömts nödvändigt.",
        environmental_impact="Ärendet medför inga miljökonsekvenser.",
        union_consultation="Ingen samverkan/MBL-förhandling har bedömts nödvändig i ärendet.",
        follow_up="Uppdraget redovisas till hälso- och sjukvårdsnämnden vid sedvanlig "
        "rapportering av offentlig och privat vård.",
        chair_name="Gilbert Tribo",
        chair_title="Ordförande",
        director_name="Pia Lundbom",
        director_title="Hälso- och sjukvårdsdirektör",
    )
    proposal.agreements.set([current])
    proposal.cites.set([framework, seven, three_party, extended])
    DecisionItem.objects.create(decision=proposal, number=1, text=SK_ITEM_1)
    CaseDocument.objects.create(decision=proposal, number=1, title="Beslutsförslag 2020-02-05")
    CaseDocument.objects.create(
        decision=proposal, number=2, title="Bilaga IOP Röda Korset 2021-2024"
    )
    DecisionCondition.objects.create(
        decision=proposal, party=p["malmo"], body="Arbetsmarknads- och socialnämnden"
    )


def _users(password):
    User = get_user_model()
    created = []
    admin, new = User.objects.get_or_create(
        username="admin",
        defaults={"is_staff": True, "is_superuser": True, "first_name": "Admin"},
    )
    if new:
        admin.set_password(password)
        admin.save()
        created.append("användare admin")
    for username, first, last, org_number, role in DEMO_USERS:
        user, new = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.se"},
        )
        if new:
            user.set_password(password)
            user.save()
            created.append(f"användare {username}")
        Membership.objects.get_or_create(
            user=user, party=Party.objects.get(org_number=org_number), role=role
        )
    return created


SK_ITEM_1 = (
    "Hälso- och sjukvårdsnämnden ingår överenskommelse om Idéburet Offentligt Partnerskap med "
    "Malmö Stad och Röda Korsets behandlingscentrum för krigs- och tortyrskadade i Malmö, genom "
    "Svenska Röda Korset avseende barnverksamhet och delfinansierar verksamheten med 400 000 "
    "kronor per år under 2021-2024 under förutsättning att motsvarande beslut tas i Malmö Stad."
)

SK_SUMMARY = """
Region Skåne har 2016-2020 en överenskommelse om Idéburet Offentligt partnerskap, IOP, med Malmö Stad och Röda Korsets behandlingscentrum för krigs- och tortyrskadade i Malmö. En fortsättning på trepartssamverkan föreslås i detta ärende genom en överenskommelse för perioden 2021-2024. Överenskommelsen avser barnverksamhet.
"""

# The part of "Beskrivning av ärendet" after the decision history (which is generated).
SK_BACKGROUND = """
Barnverksamheten har funnits sedan 2010 och finansierades under perioderna 2010-2012 av Allmänna arvsfonden, 2013-2015 gemensamt via bidrag från Region Skåne och Malmö stad samt av Svenska Röda Korset. Alla parter önskar fortsätta samarbetet då det inte bara är unikt med trepartsavtal mellan organisation, region och kommun, men där också barnverksamheten i sig är en unik form av anhörigstöd och erbjuder målgruppen ett relevant och välutvecklat stöd.

Svenska Röda Korset har genom sin verksamhet, nationellt och internationellt, ett förtroende hos den aktuella målgruppen och mångårig kunskap om deras levnadsvillkor och behov. Utifrån dessa behov har Röda Korset startat sin verksamhet för krigs- och tortyrskadade flyktingar, som också innefattar asylsökande och papperslösa. Det är en icke-vinstutdelande verksamhet och tillför genom sin identitet en särart som ökar mångfalden i behandling för målgruppen.

Behandlingscentret har som uppgift att rehabilitera och ge god hälso- och sjukvård till tortyr- och krigsskadade flyktingar samt minska lidandet i sviterna av krig och tortyr. Barnverksamhetens syfte är att erbjuda aktiviteter, att stärka barnen och hitta sätt för dem att må bra, och att stärka föräldrarna i deras föräldraroll samt att stärka relationer inom familjen. Barnverksamheten är tillgänglig för patienters barn samt för andra barn med samma behov, till exempel från Region Skånes barn-och ungdomspsykiatrimottagning trauma och barn med föräldrar som deltar i Malmö stads verksamhet Avanti. I överenskommelsen anges att Röda Korset under ett år har möjlighet att ta emot ca 70 barn och 40 föräldrar i verksamheterna.

De insatser som möjliggörs genom överenskommelsen sker inom respektive huvudmans ansvar och innebär således ingen inskränkning i andra huvudmäns ansvar.

Kunskapsinhämtning och kunskapsutbyte, både vad det gäller målgruppen och deras behov samt arbete som sker på mer strukturell nivå (lokalt, regionalt, nationellt och internationellt), utgör en viktig del av partnerskapet. Återkoppling, utvärdering och dialog mellan parterna sker på samverkansmöten minst två gånger årligen.

Samarbetet med Röda Korset och Malmö Stad har varit gott och på samverkansmöten har framkommit att verksamheten mycket väl uppfyller syftet med överenskommelsen och att Röda Korset på ett flexibelt och nytänkande sätt tar sig an målgruppens behov.
"""

# The Skåne agreement itself (the proposal's "Bilaga") is not among the seeds; its sections
# carry what the proposal says of it.
SK_SECTIONS = [
    (
        "Bakgrund",
        """
Barnverksamheten vid Röda Korsets behandlingscentrum för krigs- och tortyrskadade i Malmö har funnits sedan 2010. Region Skåne, Malmö stad och Svenska Röda Korset har sedan 2016 en trepartsöverenskommelse om idéburet offentligt partnerskap om verksamheten.
""",
    ),
    (
        "Syfte och mål med partnerskapet",
        """
Barnverksamhetens syfte är att erbjuda aktiviteter, att stärka barnen och hitta sätt för dem att må bra, och att stärka föräldrarna i deras föräldraroll samt att stärka relationer inom familjen.
""",
    ),
    (
        "Målgrupp",
        """
Barnverksamheten är tillgänglig för patienters barn samt för andra barn med samma behov, till exempel från Region Skånes barn- och ungdomspsykiatrimottagning trauma och barn med föräldrar som deltar i Malmö stads verksamhet Avanti. Röda Korset har under ett år möjlighet att ta emot ca 70 barn och 40 föräldrar i verksamheterna.
""",
    ),
    (
        "Samverkan och uppföljning",
        """
De insatser som möjliggörs genom överenskommelsen sker inom respektive huvudmans ansvar och innebär ingen inskränkning i andra huvudmäns ansvar.
""",
    ),
]

VB_SECTIONS = [
    (
        "Bakgrund",
        """
Trauman från krig, tortyr och svåra flyktupplevelser kan skada en människa för livet. Med rätt behandling och psykosocialt stöd ökar förutsättningarna till en bättre hälsa. Svenska Röda Korset (SRK) bedriver i Skellefteå, med filial i Umeå, ett behandlingscenter för krigsskadade och torterade personer. Region Västerbotten har sedan 2016 ett samarbete med Röda Korsets behandlingscenter, i formen av ett idéburet offentligt partnerskap.

SRK är en del av den idéburna sektorn och utgör en viktig del av välfärdssystemet som fungerar som ett komplement till det offentliga vårdutbudet. SRK har en förankring och ett förtroende hos målgruppen och kan vara ett stöd till det offentliga för att öka delaktigheten i samhället och minska utanförskap.

Idéburet offentligt partnerskap (IOP) är en samverkansform där offentliga och idéburna aktörer arbetar mot samma mål. Båda parter bidrar med resurser och kompetens. Samarbetet bygger på tillit, långsiktighet och ömsesidig nytta.

Verksamheten som SRK bedriver inom ramen för partnerskapet är en del av SRK:s stödjande roll till staten. Röda Korsets behandlingscenter har en lång och unik erfarenhet av arbete med målgruppen och en nationell samverkan för kunskapsutveckling inom området. SRK har inget vinstintresse. Patienterna erlägger inga patientavgifter.

Regionens och SRK:s arbete, inom ramen för partnerskapet, möjliggör att nå ut till en målgrupp i behov av vård och insatser, där det finns hinder att söka sig till offentliga instanser och där tilltron till myndigheter är låg. Samarbetet bidrar till att ge en bredd av insatser för målgruppen som respektive organisation inte kan åstadkomma var och en för sig.
""",
    ),
    (
        "Syfte och mål med partnerskapet",
        """
Syftet är att främja psykisk hälsa och minska lidandet för personer som drabbats av psykisk ohälsa till följd av tortyr, krig och/eller flykt. Med ett idéburet offentligt partnerskap mellan Region Västerbotten och Röda Korsets behandlingscenter i Skellefteå förstärks insatserna inom regionen för målgruppen. Det innebär att båda organisationerna, utifrån sina respektive uppdrag och mandat, kompletterar varandra i behandling och rehabilitering av målgruppen. Målet är att skapa goda förutsättningar för målgruppen att leva i god hälsa.
""",
    ),
    (
        "Målgrupp",
        """
Målgruppen är personer med flyktingbakgrund som drabbats av trauma eller annan svår psykisk ohälsa till följd av tortyr, krig, systematisk förföljelse eller flykt. Målgruppen omfattar personer över 16 år oavsett rättslig ställning i Sverige.
""",
    ),
    (
        "Verksamhet som partnerskapet omfattar",
        """
SRK bedriver psykologiskt, fysioterapeutiskt och/eller psykosocialt behandlingsarbete som anpassas utifrån individens behov.

Utöver behandlingsinsatser ges stöd till barn och vuxna som är anhöriga till patienterna, samt psykopedagogiska, sociala och stödjande aktiviteter. Denna verksamhet sker i samverkan med lokala rödakorsföreningar och frivilliga. Vid behov av tortyrskadeutredningar konsulteras SRK:s frivilligläkare.

Samordnad individuell plan ska, när behov finns, upprättas utifrån de befintliga rutiner som finns mellan regionen och kommunerna i Västerbotten.
""",
    ),
    (
        "Värdegrund för partnerskapet",
        """
Partnerskapet ska bygga på respekt inför varandras olika förutsättningar och grunda sig i öppenhet och dialog som karaktäriseras av ömsesidig tillit, lyhördhet, förståelse samt respekt för respektive aktörs mandat och uppdrag. Långsiktighet, transparens och återkoppling är centrala i värdegrunden som denna överenskommelse vilar på.

SRK:s och regionens värdegrund i det arbete som utförs enligt överenskommelsen vilar på en humanistisk människosyn. En god vård ska ges där personen och närstående är delaktiga och medskapande i vård och behandling. Gemensamt värderas en inriktning på att arbeta för främjandet av jämlikhet och jämställdhet med målet att nå en jämlik hälsa där alla i samhället har en rättvis möjlighet att uppnå sin fulla hälsopotential.
""",
    ),
    (
        "Särskilt sårbara grupper",
        """
Barn som anhöriga ska erbjudas information, råd och stöd, och barn som riskerar att fara illa ska särskilt uppmärksammas. Samtliga medarbetare har anmälningsskyldighet till socialtjänsten, och verksamheten ska säkerställa fungerande rutiner för att uppmärksamma barns situation.

Verksamheten ska arbeta aktivt för att uppmärksamma och stötta personer som kan vara utsatta för våld i nära relation, personer med en funktionsvariation eller personer i målgruppen med annan sårbarhet.
""",
    ),
    (
        "Samverkan och uppföljning",
        """
SRK och Region Västerbotten samverkar på de sätt som är relevanta för att ge en adekvat och god vård. Samverkan sker också med relevanta kommunala verksamheter och andra aktörer, samt med den idéburna sektorn. Denna samverkan gäller även utveckling av sociala samt psykosociala insatser för målgruppen. Genom att samverka i nätverk, kring utbildning samt konsultationer bidrar båda parter till det preventiva folkhälsoarbetet.

""",
    ),
    (
        "Mål för gemensamt lärande",
        """
Att nå ökad kunskap om hur region och civilsamhälle kan samverka, för att öka medvetenhet och kunskap om behoven och främja hälsan hos utsatta målgrupper.

Att hitta sätt att främja kunskapsutbyte mellan parterna, exempelvis genom konsultation, utbildning, hitta lämpliga kontaktytor och samverkansområden samt att ta in kunskap och erfarenheter från andra partnerskap.
""",
    ),
    (
        "Vårdgivaransvar",
        """
SRK är vårdgivare och således skyldig att arbeta enligt de lagar och förordningar som omfattar hälso- och sjukvården. SRK ansvarar för att ha företags- och ansvarsförsäkringar samt en patientförsäkring.
""",
    ),
]

SRK_CONTRIBUTIONS = [
    "Psykologisk, fysioterapeutisk och psykosocial bedömning och behandling för personer inom "
    "målgruppen.",
    "Stöd och information till barn och vuxna anhöriga till patienterna.",
    "Vid behov tortyrskadeutredningar med stöd av SRK:s frivilligläkare samt jurister.",
    "Lokaler, material och tolkkostnader, samt egen delfinansiering av verksamheten (med egna "
    "medel och andra bidrag).",
]

# The first item of the region's list (1 726 000 kr a year, uplifted by LPIK from 2027-01-01)
# is the funding line and its uplift rule; documents print it from there.
VB_CONTRIBUTIONS = [
    "Verksamheter i Region Västerbotten samverkar med Svenska Röda Korset i frågor som berör "
    "målgruppen och verksamhetsområdet.",
    "Regionen ansvarar för att informera om, samt bjuda in SRK till relevanta nätverksmöten och "
    "liknande.",
    "Regionen bidrar med att informera om SRK:s verksamhet och insatser inom ramen för "
    "överenskommelsen i relevanta nätverk och forum.",
    "Regionens regelverk för sjukresor gäller för resor till och från Röda Korsets "
    "behandlingscenter.",
]
