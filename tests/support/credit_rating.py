"""What the F12 credit rating tests share: the customer they rate and a
valid proposal of the statistician's."""

CITY_DEALER = "江苏机电设备经销部"  # 华东, served by rep_east2, limit 300,000, rating B, 45 days


def proposal(**changes):
    return {"action": "submit", "rating": "A", "credit_limit": 450000, "payment_days": 45, "on_hold": False,
            "segment": "", "valid_from": "2026-12-01", "reason": "回款及时，提额", **changes}
