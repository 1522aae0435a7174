"""What a new password must not be: short, one character repeated, a run
like ``12345678``, one of the passwords guessed first, or the username."""

MIN_LENGTH = 8
MAX_LENGTH = 256

TOO_SHORT = f"Use at least {MIN_LENGTH} characters."
TOO_LONG = f"Use at most {MAX_LENGTH} characters."
ONE_CHARACTER = "Use more than one character."
A_RUN = "Do not use a run of consecutive characters."
COMMON = "This password is among the first ones guessed."
THE_USERNAME = "Do not use the username in the password."

# The passwords guessers try first (leaked-password lists, and what people
# here would type); a run or a repeated character is refused by rule.
COMMON_PASSWORDS = frozenset({
    "password", "password1", "password123", "passw0rd", "p@ssw0rd", "qwertyui", "qwertyuiop", "qwerty123",
    "1q2w3e4r", "1qaz2wsx", "1qaz@wsx", "zaq12wsx", "asdfghjk", "asdfghjkl", "zxcvbnm1", "iloveyou",
    "abc12345", "abcd1234", "a1b2c3d4", "12341234", "12344321", "11223344", "123123123", "147258369",
    "987654321", "admin123", "administrator", "welcome1", "letmein1", "trustno1", "changeme", "sunshine",
    "princess", "football", "baseball", "woaini1314", "woaiwojia", "5201314520", "88888888", "66666666",
    "lanes123", "lanes-admin",
})


def _is_run(password: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in zip(password, password[1:])}
    return steps in ({1}, {-1})


def problems(password: str, username: str) -> list[str]:
    """Why ``password`` may not be ``username``'s new password ([] when it may)."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        return [TOO_SHORT]
    if len(password) > MAX_LENGTH:
        return [TOO_LONG]
    found = []
    if len(set(password)) == 1:
        found.append(ONE_CHARACTER)
    elif _is_run(password):
        found.append(A_RUN)
    if password.lower() in COMMON_PASSWORDS:
        found.append(COMMON)
    if username and username.lower() in password.lower():
        found.append(THE_USERNAME)
    return found
