"""Ageing of receivables (应收账龄): the buckets an open receivable falls in
by its days overdue. One definition for the ageing report and the credit
profile of a customer (F12)."""
from datetime import date

# days overdue: 0 (not yet due), 1–30, 31–60, 61–90, more than 90
BUCKETS = ("current", "d1_30", "d31_60", "d61_90", "over_90")
BUCKET_START = {"d1_30": 1, "d31_60": 31, "d61_90": 61, "over_90": 91}


def days_overdue(as_of: date, due: date) -> int:
    return max((as_of - due).days, 0)


def bucket_of(days: int) -> str:
    for name in reversed(BUCKETS[1:]):
        if days >= BUCKET_START[name]:
            return name
    return "current"
