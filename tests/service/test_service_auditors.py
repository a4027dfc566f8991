"""Auditors hold no money: they get no wallet, and top-ups and credit for them are refused,
even for auditors made before the rule, who have empty ledger accounts."""

from __future__ import annotations

from exchange_helpers import Api

from suanli.market.ledger import OWNED_KINDS, account_id
from suanli.market.roles import Role
from suanli.store.engine import Database
from suanli.store.tables import LedgerAccountRow

ZERO = {"wallet_yuan": 0.0, "escrow_yuan": 0.0, "receivable_yuan": 0.0, "credit_limit_yuan": 0.0}


def assert_refused(operator: Api, auditor_id: str) -> None:
    before = operator.ok(operator.get("/v1/ledger"))
    top_up = operator.post(f"/v1/accounts/{auditor_id}/top-ups", {"amount_yuan": 10}, key="t")
    credit = operator.put(f"/v1/accounts/{auditor_id}/credit-limit", {"limit_yuan": 10})
    for response in (top_up, credit):
        assert response.status_code == 409, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert "auditors hold no money" in response.json()["detail"]
    again = operator.post(f"/v1/accounts/{auditor_id}/top-ups", {"amount_yuan": 10}, key="t")
    assert again.status_code == 409 and again.headers["Idempotent-Replayed"] == "true"
    assert operator.ok(operator.get("/v1/ledger")) == before


def test_a_new_auditor_has_no_wallet_and_gets_no_money(operator: Api, db: Database) -> None:
    created = operator.ok(operator.post("/v1/accounts", {"name": "aud", "role": "auditor"}), 201)
    auditor = Api(operator.client, created["api_key"], created["account"]["id"])
    with db.read() as session:
        assert session.query(LedgerAccountRow).filter_by(owner_id=auditor.account_id).all() == []
    assert auditor.ok(auditor.get("/v1/me"))["balances"] == ZERO
    assert_refused(operator, auditor.account_id)
    buyer = operator.ok(operator.post("/v1/accounts", {"name": "b", "role": "buyer"}), 201)
    topped = operator.post(f"/v1/accounts/{buyer['account']['id']}/top-ups", {"amount_yuan": 5})
    assert topped.json()["balances"]["wallet_yuan"] == 5.0  # other roles still hold money


def test_an_older_auditor_with_empty_ledger_accounts_is_refused_too(
    make_api, operator: Api, db: Database
) -> None:
    auditor = make_api(Role.AUDITOR, "old-audit")
    with db.write() as session:  # as create_account made them before auditors held no money
        for kind in OWNED_KINDS:
            session.add(
                LedgerAccountRow(
                    id=account_id(kind, auditor.account_id),
                    kind=kind.value,
                    owner_id=auditor.account_id,
                    balance_fen=0,
                    credit_limit_fen=0,
                )
            )
    assert auditor.ok(auditor.get("/v1/me"))["balances"] == ZERO
    assert_refused(operator, auditor.account_id)
    assert auditor.ok(auditor.get("/v1/me"))["balances"] == ZERO
