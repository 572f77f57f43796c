"""Indonesian phone numbers for the crisis contacts: checked once when the operator saves
them, then written as links a phone can tap (tel: to call, wa.me to open WhatsApp)."""

import re

# Short national lines (110, 112, 119, 129, 1500-xxx) are dialled as they are.
SHORT_NUMBER = re.compile(r"1\d{2,5}")
# After the leading 0 or +62: mobiles 8xx (9-12 digits), landlines with an area code.
NATIONAL = re.compile(r"[2-9]\d{6,11}")


def _digits(text):
    """The number's digits and a comma for an extension ("119 ext 8" -> "119,8"), or None
    when anything but digits, spaces, dashes, dots, brackets and + is in it."""
    text = (text or "").strip().lower()
    text = re.sub(r"\s*(?:ekstensi|extension|ekst\.?|ext\.?|,)\s*", ",", text)
    if not re.fullmatch(r"\+?[\d\s().\-]+(,\d{1,4})?", text):
        return None
    return re.sub(r"[\s().\-]", "", text)


def parse_phone(text):
    """A phone number as stored: "129", "119,8" (an extension), or "+62..." for a national
    number; None when it is not an Indonesian number."""
    digits = _digits(text)
    if not digits:
        return None
    number, _, extension = digits.partition(",")
    if SHORT_NUMBER.fullmatch(number):
        return number + ("," + extension if extension else "")
    national = _national(number)
    if national is None:
        return None
    return "+62" + national + ("," + extension if extension else "")


def parse_whatsapp(text):
    """A WhatsApp number as wa.me writes it ("628111129129"), or None: only mobiles (08...)."""
    digits = _digits(text)
    if not digits or "," in digits:
        return None
    national = _national(digits)
    if national is None or not national.startswith("8") or not 9 <= len(national) <= 12:
        return None
    return "62" + national


def _national(number):
    if number.startswith("+62"):
        number = number[3:]
    elif number.startswith("62"):
        number = number[2:]
    elif number.startswith("0"):
        number = number[1:]
    else:
        return None
    return number if NATIONAL.fullmatch(number) else None


def tel_href(stored):
    return "tel:" + stored


def wa_href(stored):
    return "https://wa.me/" + stored


def display(stored):
    """How a number is read out: "129", "119 ekstensi 8", "0811-1129-129"."""
    number, _, extension = stored.partition(",")
    if number.startswith("+62"):
        national = "0" + number[3:]
    elif number.startswith("62"):
        national = "0" + number[2:]
    else:
        national = number
    if len(national) > 6:
        national = "-".join(re.findall(r"\d{1,4}", national))
    return national + (f" ekstensi {extension}" if extension else "")
