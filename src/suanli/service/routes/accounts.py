"""Accounts and their money: who am I, create accounts with keys, top up, allow credit."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from suanli.errors import NotFoundError
from suanli.market.ledger import top_up
from suanli.market.money import to_fen
from suanli.market.roles import Role
from suanli.service.deps import (
    AnyoneDep,
    ExchangeDep,
    IdPath,
    LimitQuery,
    OffsetQuery,
    OperatorDep,
    OverseerDep,
)
from suanli.service.idempotency import IdempotencyDep, respond_once
from suanli.service.schemas.accounts import (
    AccountCreate,
    AccountCreated,
    AccountPublic,
    BalancesPublic,
    CreditLimitUpdate,
    MePublic,
    TopUpCreate,
)
from suanli.store import accounts as repo
from suanli.store import ledger
from suanli.store.accounts import Principal

router = APIRouter(prefix="/v1", tags=["accounts"])


def _me(session: Session, account_id: str) -> MePublic:
    account = repo.get_account(session=session, account_id=account_id)
    rows = ledger.owned_accounts(session=session, owner_id=account_id)
    return MePublic(account=AccountPublic.of(account), balances=BalancesPublic.of(rows))


@router.get("/me", summary="The caller's account and balances")
def me(exchange: ExchangeDep, principal: AnyoneDep) -> MePublic:
    with exchange.db.read() as session:
        return _me(session, principal.account_id)


@router.get("/accounts", summary="All accounts (operators and auditors)")
def list_accounts(
    exchange: ExchangeDep, _: OverseerDep, limit: LimitQuery = 100, offset: OffsetQuery = 0
) -> list[AccountPublic]:
    with exchange.db.read() as session:
        rows = repo.list_accounts(session=session, limit=limit, offset=offset)
        return [AccountPublic.of(r) for r in rows]


@router.post(
    "/accounts",
    status_code=201,
    response_model=AccountCreated,
    summary="Create an account and its first API key (operators)",
)
def create_account(
    body: AccountCreate, exchange: ExchangeDep, principal: OperatorDep, idem: IdempotencyDep
) -> object:
    def action(session: Session) -> AccountCreated:
        now = exchange.clock()
        row = repo.create_account(
            session=session, name=body.name, role=body.role, now=now, new_id=exchange.new_id
        )
        key = repo.issue_key(
            session=session,
            account=row,
            now=now,
            new_id=exchange.new_id,
            new_secret=exchange.new_secret,
        )
        return AccountCreated(account=AccountPublic.of(row), api_key=key)

    return respond_once(exchange, principal, idem, action, stored_as=AccountCreated.without_key)


def _check_visible(principal: Principal, account_id: str) -> None:
    if principal.role not in (Role.OPERATOR, Role.AUDITOR) and principal.account_id != account_id:
        raise NotFoundError("account", account_id)


@router.get("/accounts/{account_id}", summary="An account and its balances")
def get_account(account_id: IdPath, exchange: ExchangeDep, principal: AnyoneDep) -> MePublic:
    _check_visible(principal, account_id)
    with exchange.db.read() as session:
        return _me(session, account_id)


@router.post(
    "/accounts/{account_id}/top-ups",
    status_code=201,
    response_model=MePublic,
    summary="Add money to an account's wallet (operators; auditors hold no money)",
)
def create_top_up(
    account_id: IdPath,
    body: TopUpCreate,
    exchange: ExchangeDep,
    principal: OperatorDep,
    idem: IdempotencyDep,
) -> object:
    def action(session: Session) -> MePublic:
        repo.money_holder(session=session, account_id=account_id)
        entry = top_up(account_id, to_fen(body.amount_yuan), body.memo)
        ledger.post(session=session, entry=entry, now=exchange.clock(), new_id=exchange.new_id)
        return _me(session, account_id)

    return respond_once(exchange, principal, idem, action)


@router.put(
    "/accounts/{account_id}/credit-limit",
    summary="Let a wallet go down to minus this limit (operators; auditors have none)",
)
def set_credit_limit(
    account_id: IdPath, body: CreditLimitUpdate, exchange: ExchangeDep, _: OperatorDep
) -> MePublic:
    with exchange.db.write() as session:
        repo.money_holder(session=session, account_id=account_id)
        ledger.set_credit_limit(
            session=session, owner_id=account_id, limit_fen=to_fen(body.limit_yuan)
        )
        return _me(session, account_id)
