"""What deploy-time lint reports: one problem per finding, all at once."""
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    element_id: str | None
    message: str

    def as_dict(self) -> dict:
        return asdict(self)

