"""The benchmark runs at a tiny scale in `make test`; speed itself is measured, not asserted."""

import importlib.util
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from agreements.management.commands.generate_synthetic import Generator
from agreements.models import Agreement, AgreementParty, Party
from agreements.numbers import validate_org_number
from funding.models import Payment, Share

ROOT = Path(__file__).resolve().parent.parent


def load_bench():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_generate_synthetic_at_small_scale_has_the_shape_of_the_national_set():
    out = io.StringIO()
    call_command("generate_synthetic", scale=0.01, force=True, stdout=out)
    assert Agreement.objects.count() == 100
    assert Party.objects.filter(kind="region").count() == 21
    assert Party.objects.filter(kind="municipality").count() == 290
    assert Share.objects.count() == 400
    assert Payment.objects.count() == 200
    per_agreement = {}
    for agreement_id in AgreementParty.objects.values_list("agreement_id", flat=True):
        per_agreement[agreement_id] = per_agreement.get(agreement_id, 0) + 1
    assert sum(1 for n in per_agreement.values() if n == 3) == 34
    for number in Party.objects.values_list("org_number", flat=True):
        validate_org_number(number)  # raises on a bad check digit
    for agreement in Agreement.objects.all()[:10]:
        agreement.full_clean()


@pytest.mark.django_db
def test_generate_synthetic_is_reproducible_with_its_seed():
    def digest():
        return (
            list(Agreement.objects.order_by("case_number").values_list("case_number", "title")),
            list(
                Share.objects.order_by("line__agreement__case_number", "year").values_list(
                    "year", "amount"
                )
            ),
        )

    runs = []
    for _ in range(2):
        with transaction.atomic():
            Generator(scale=0.01, seed=7).run()
            runs.append(digest())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0][0]


@pytest.mark.django_db
def test_generate_synthetic_refuses_to_mix_with_existing_data():
    call_command("generate_synthetic", scale=0.01, force=True, stdout=io.StringIO())
    with pytest.raises(Exception, match="--flush"):
        call_command("generate_synthetic", scale=0.02, force=True, stdout=io.StringIO())
    call_command("generate_synthetic", scale=0.01, force=True, reuse=True, stdout=io.StringIO())
    assert Agreement.objects.count() == 100


@pytest.mark.django_db
def test_bench_measures_every_page_and_holds_each_to_its_budget_at_small_scale(tmp_path):
    call_command("generate_synthetic", scale=0.01, force=True, stdout=io.StringIO())
    bench = load_bench()
    out = tmp_path / "results.json"
    printed = io.StringIO()
    results = bench.run(runs=1, out=out, stdout=printed)

    saved = json.loads(out.read_text())
    assert saved["data"]["agreements"] == 100
    kinds = {row["kind"] for row in saved["pages"]}
    assert kinds == bench.INTERACTIVE | {"export", "pdf", "fixed", "admin"}
    assert ("superuser", "admin changelist") in {(r["user"], r["page"]) for r in saved["pages"]}
    for row in results["pages"]:
        assert row["status"] == 200, row
        assert row["queries"] > 0, row
        assert row["median_ms"] is not None
        assert row["sql_median_ms"] > 0, row  # every page reads at least its session
        assert row["admin_ratio"] is not None, row

    budgeted = [r for r in saved["pages"] if r["kind"] not in ("fixed", "admin")]
    assert [(b["user"], b["page"]) for b in saved["budgets"]] == [
        (r["user"], r["page"]) for r in budgeted
    ]
    text = printed.getvalue()
    for budget in saved["budgets"]:
        verdict = "pass" if budget["passed"] else "FAIL"
        assert f"{verdict:<4} {budget['user']:<13} {budget['page']}" in text
    held = sum(b["passed"] for b in saved["budgets"])
    assert f"{held} of {len(saved['budgets'])} budgets held" in text


def test_bench_floor_fetches_a_page_as_long_as_the_lists():
    from agreements.views._common import PAGE_SIZE

    assert load_bench().PAGE_SIZE == PAGE_SIZE
