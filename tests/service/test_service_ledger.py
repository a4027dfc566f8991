"""Ledger invariants as a Hypothesis state machine driving the API on both databases: the sum
of all postings is zero; no wallet goes below minus its credit limit; balances match a model of
what each step should have moved; and a replayed request (same Idempotency-Key, same body)
returns its first response and changes nothing."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

from exchange_helpers import Api, pool, site, training
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from suanli.market.money import share
from suanli.market.roles import Role

FEE_BP = 500
_names = itertools.count()


@dataclass
class Job:
    buyer: int
    id: str
    price_fen: int
    minimum_fen: int
    """One GPU-hour per GPU at each line's price: what a cancel or a no-show costs."""
    status: str

    @property
    def was_reserved(self) -> bool:
        return self.status not in ("quoted", "cancelled_unreserved")


@dataclass
class Sent:
    api: Api
    path: str
    body: Any
    key: str
    status: int
    response: Any


class LedgerMachine(RuleBasedStateMachine):
    """Set `make_api`, `operator` and `supplier` on a subclass before running."""

    make_api: Any
    operator: Api
    supplier: Api
    clock: Any
    jobs = Bundle("jobs")
    reserved: list[Job]

    def __init__(self) -> None:
        super().__init__()
        self.buyers = [self.make_api(Role.BUYER, f"lb{next(_names)}") for _ in range(2)]
        self.wallet = [0, 0]
        self.credit = [0, 0]
        self.escrow = [0, 0]
        self.sent: list[Sent] = []
        self.reserved = []

    def post(self, api: Api, path: str, body: Any = None) -> Any:
        key = str(uuid.uuid4())
        response = api.post(path, body, key=key)
        self.sent.append(Sent(api, path, body, key, response.status_code, response.json()))
        return response

    @rule(b=st.integers(0, 1), yuan=st.integers(1, 3000))
    def top_up(self, b: int, yuan: int) -> None:
        path = f"/v1/accounts/{self.buyers[b].account_id}/top-ups"
        assert self.post(self.operator, path, {"amount_yuan": yuan}).status_code == 201
        self.wallet[b] += yuan * 100

    @rule(b=st.integers(0, 1), yuan=st.integers(0, 2000))
    def set_credit(self, b: int, yuan: int) -> None:
        path = f"/v1/accounts/{self.buyers[b].account_id}/credit-limit"
        response = self.operator.put(path, {"limit_yuan": yuan})
        allowed = self.wallet[b] >= -yuan * 100
        assert response.status_code == (200 if allowed else 409), response.text
        if allowed:
            self.credit[b] = yuan * 100

    @rule(target=jobs, b=st.integers(0, 1), hours=st.sampled_from([10, 80, 200]))
    def reserve(self, b: int, hours: int) -> Job:
        api = self.buyers[b]
        job = api.ok(self.post(api, "/v1/jobs", training(gpus=8, hours=hours)), 201)
        quote = api.ok(self.post(api, "/v1/quotes", {"job_id": job["id"]}), 201)
        price = round(quote["total_yuan"] * 100)
        minimum = sum(round(x["gpus"] * x["price_yuan_per_gpu_hour"] * 100) for x in quote["lines"])
        response = self.post(api, "/v1/reservations", {"quote_id": quote["id"]})
        affordable = self.wallet[b] - price >= -self.credit[b]
        assert response.status_code == (201 if affordable else 409), response.text
        if not affordable:
            return Job(b, job["id"], price, minimum, "quoted")
        self.wallet[b] -= price
        self.escrow[b] += price
        reserved = Job(b, job["id"], price, minimum, "reserved")
        self.reserved.append(reserved)
        return reserved

    def report(self, job: Job, event: str, allowed: tuple[str, ...], to: str) -> bool:
        api = self.buyers[job.buyer] if event == "cancel" else self.supplier
        response = self.post(api, f"/v1/jobs/{job.id}/{event}")
        ok = job.status in allowed
        # A supplier sees only jobs reserved on its pools; others are "not found".
        hidden = api is self.supplier and not job.was_reserved
        assert response.status_code == (404 if hidden else 200 if ok else 409), response.text
        if ok:
            if job.status == "quoted" and to == "cancelled":
                to = "cancelled_unreserved"
            if job.status in ("reserved", "running") and to != "running":
                self.escrow[job.buyer] -= job.price_fen
                charged = {"completed": job.price_fen, "cancelled": job.minimum_fen}.get(to, 0)
                self.wallet[job.buyer] += job.price_fen - charged
            job.status = to
        return ok

    @rule(job=jobs)
    def start(self, job: Job) -> None:
        self.report(job, "start", ("reserved",), "running")

    @rule(job=jobs)
    def complete(self, job: Job) -> None:
        self.report(job, "complete", ("running",), "completed")

    @rule(job=jobs)
    def fail(self, job: Job) -> None:
        self.report(job, "fail", ("reserved", "running"), "failed")

    @rule(job=jobs)
    def cancel(self, job: Job) -> None:
        self.report(job, "cancel", ("submitted", "quoted", "reserved"), "cancelled")

    @rule()
    def pass_the_start_deadline(self) -> None:
        """Every reservation not started by now expires: its GPUs return, its buyer pays the
        no-show fee (the minimum) and gets the rest back."""
        self.clock.advance(seconds=3600)
        self.operator.ok(self.operator.post("/v1/reservations/expire-due"))
        for job in self.reserved:
            if job.status == "reserved":
                self.escrow[job.buyer] -= job.price_fen
                self.wallet[job.buyer] += job.price_fen - job.minimum_fen
                job.status = "expired"

    @rule(data=st.data())
    def replay(self, data: st.DataObject) -> None:
        if not self.sent:
            return
        sent = data.draw(st.sampled_from(self.sent))
        before = self.ledger()
        again = sent.api.post(sent.path, sent.body, key=sent.key)
        assert (again.status_code, again.json()) == (sent.status, sent.response)
        assert again.headers["Idempotent-Replayed"] == "true"
        assert self.ledger() == before

    def ledger(self) -> dict[str, tuple[float, float]]:
        body = self.operator.ok(self.operator.get("/v1/ledger"))
        assert body["postings_total_yuan"] == 0
        return {a["id"]: (a["balance_yuan"], a["credit_limit_yuan"]) for a in body["accounts"]}

    @invariant()
    def books_balance(self) -> None:
        accounts = self.ledger()
        for account, (balance, credit) in accounts.items():
            if not account.startswith("external:"):
                assert balance >= -credit, account
        for b, api in enumerate(self.buyers):
            assert accounts[f"wallet:{api.account_id}"] == (
                self.wallet[b] / 100,
                self.credit[b] / 100,
            )
            assert accounts[f"escrow:{api.account_id}"][0] == self.escrow[b] / 100


def test_ledger_invariants_hold_under_any_sequence_of_requests(
    make_api: Any, operator: Api, supplier: Api, clock: Any
) -> None:
    supplier.ok(supplier.post("/v1/sites", site("big", pool("big-h800", nodes=10_000))), 201)

    class Machine(LedgerMachine):
        pass

    Machine.make_api = staticmethod(make_api)
    Machine.operator, Machine.supplier, Machine.clock = operator, supplier, clock
    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=10,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )
    fees = operator.ok(operator.get("/v1/ledger"))["accounts"]
    assert any(a["id"] == "platform:fees" for a in fees)
    assert share(10_000, FEE_BP) == 500
