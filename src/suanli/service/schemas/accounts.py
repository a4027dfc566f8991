"""Accounts, keys, balances and the ledger."""

from __future__ import annotations

import shlex
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from suanli.market.ledger import AccountKind
from suanli.market.roles import Role
from suanli.service.schemas.common import Request, Yuan, yuan
from suanli.store.ledger import EntryView
from suanli.store.tables import AccountRow, LedgerAccountRow

NAME_PATTERN = r"^[^\x00-\x1f\x7f]{1,200}$"


class AccountCreate(Request):
    name: Annotated[str, Field(pattern=NAME_PATTERN, description="Unique account name.")]
    role: Annotated[Role, Field(strict=False)]  # JSON gives the name; strict wants a Role


class AccountPublic(BaseModel):
    id: str
    name: str
    role: Role
    created_at: datetime

    @classmethod
    def of(cls, row: AccountRow) -> AccountPublic:
        return cls(id=row.id, name=row.name, role=Role(row.role), created_at=row.created_at)


KEY_SHOWN_ONCE = (
    "the API key is shown only once, in the response that created the account, and is not "
    "stored; ask an operator for a new key: suanli admin create-key --role {role} --name {name}"
)


class AccountCreated(BaseModel):
    account: AccountPublic
    api_key: str | None = Field(
        description="The new account's key, in this response only (just its hash is stored); "
        "null when the request is replayed with its Idempotency-Key (see note)."
    )
    note: str | None = Field(default=None, description="Why api_key is null, and what to do.")

    def without_key(self) -> AccountCreated:
        """This response as kept for replays of its request: the key is never stored."""
        name = shlex.quote(self.account.name)
        note = KEY_SHOWN_ONCE.format(role=self.account.role.value, name=name)
        return self.model_copy(update={"api_key": None, "note": note})


class BalancesPublic(BaseModel):
    """Money of one account: its wallet (buyers pay from it), escrow (held for reserved jobs)
    and receivable (suppliers are paid into it)."""

    wallet_yuan: float
    escrow_yuan: float
    receivable_yuan: float
    credit_limit_yuan: float

    @classmethod
    def of(cls, rows: list[LedgerAccountRow]) -> BalancesPublic:
        by_kind = {AccountKind(r.kind): r for r in rows}

        def balance(kind: AccountKind) -> float:
            return yuan(by_kind[kind].balance_fen) if kind in by_kind else 0.0

        wallet = by_kind.get(AccountKind.WALLET)
        return cls(
            wallet_yuan=balance(AccountKind.WALLET),
            escrow_yuan=balance(AccountKind.ESCROW),
            receivable_yuan=balance(AccountKind.RECEIVABLE),
            credit_limit_yuan=yuan(wallet.credit_limit_fen) if wallet else 0.0,
        )


class MePublic(BaseModel):
    account: AccountPublic
    balances: BalancesPublic


class TopUpCreate(Request):
    amount_yuan: Annotated[Yuan, Field(gt=0, le=1_000_000_000)]
    memo: Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")] = ""


class CreditLimitUpdate(Request):
    limit_yuan: Annotated[Yuan, Field(ge=0, le=1_000_000_000)]


class LedgerAccountPublic(BaseModel):
    id: str
    kind: AccountKind
    owner_id: str | None
    balance_yuan: float
    credit_limit_yuan: float

    @classmethod
    def of(cls, row: LedgerAccountRow) -> LedgerAccountPublic:
        return cls(
            id=row.id,
            kind=AccountKind(row.kind),
            owner_id=row.owner_id,
            balance_yuan=yuan(row.balance_fen),
            credit_limit_yuan=yuan(row.credit_limit_fen),
        )


class LedgerPublic(BaseModel):
    accounts: list[LedgerAccountPublic]
    postings_total_yuan: float = Field(description="Sum of all postings: zero when balanced.")


class PostingPublic(BaseModel):
    account_id: str
    amount_yuan: float


class EntryPublic(BaseModel):
    id: str
    kind: str
    job_id: str | None
    line_id: int | None = Field(description="The quote line the entry moves money for.")
    memo: str
    created_at: datetime
    postings: list[PostingPublic] = Field(
        description="The postings the caller may see: all for operators and auditors, else "
        "those on the caller's accounts and on the job's buyer's."
    )
    others_yuan: float = Field(
        description="The sum of the postings not shown (other parties'), so that the entry "
        "still sums to zero."
    )

    @classmethod
    def of(cls, view: EntryView) -> EntryPublic:
        e = view.entry
        postings = [
            PostingPublic(account_id=p.account_id, amount_yuan=yuan(p.amount_fen))
            for p in view.postings
        ]
        return cls(
            id=e.id,
            kind=e.kind,
            job_id=e.job_id,
            line_id=e.line_id,
            memo=e.memo,
            created_at=e.created_at,
            postings=postings,
            others_yuan=yuan(view.others_fen),
        )
