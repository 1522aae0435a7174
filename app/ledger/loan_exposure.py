"""The credit exposure of goods on loan (F17): what a customer holds and
has not bought, returned or lost, at the customer's price on the loan's
request date, tax included (the sale the loan may become; see
app.ledger.stock_loans). Below the credit check, above the models only."""
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.ledger.money import ZERO, round_money
from app.models import StockLoan, StockLoanLine


def goods_on_loan_value(customer_id: int) -> Decimal:
    """Gross value of the customer's goods still out on loans that left
    the warehouse (a request not yet lent counts nothing: its own check
    adds it)."""
    total = ZERO
    for line in db.session.scalars(select(StockLoanLine).join(StockLoan).where(
            StockLoan.customer_id == customer_id, StockLoan.status.in_(("lent", "delivered")))):
        if line.qty_lent:
            total += round_money(line.gross * line.still_out / line.qty_lent)
    return total
