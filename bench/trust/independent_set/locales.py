"""What a country contributes besides names and addresses: its phone plan, bank and e-mail.

`DEV_LOCALES` are the only ones the dev part draws from; the test part draws from
all of them, so it holds cultures, address formats and phone plans that nobody
tuning on the dev part has seen.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Locale:
    code: str  # ISO 3166 alpha-2, also the phone region
    iban: str | None  # the country's IBAN prefix, None where IBANs are not used
    mail_domains: tuple[str, ...]
    # phrases for text that mixes English with the local language: hello, regards,
    # "the delivery address is", "you can call me on"
    phrases: tuple[str, str, str, str] | None = None


LOCALES: dict[str, Locale] = {
    "US": Locale(
        "US", None, ("gmail.com", "yahoo.com", "brightwater-logistics.com", "kestrelhealth.org")
    ),
    "GB": Locale(
        "GB", "GB", ("btinternet.com", "harrowgate-legal.co.uk", "outlook.com", "sky.com")
    ),
    "DE": Locale(
        "DE",
        "DE",
        ("web.de", "gmx.de", "t-online.de", "mueller-haustechnik.de"),
        ("Hallo zusammen", "Viele Grüße", "die Lieferadresse lautet", "erreichbar unter"),
    ),
    "FR": Locale(
        "FR",
        "FR",
        ("orange.fr", "free.fr", "laposte.net", "atelier-beaumont.fr"),
        ("Bonjour à tous", "Cordialement", "l'adresse de livraison est", "joignable au"),
    ),
    "ES": Locale(
        "ES",
        "ES",
        ("telefonica.net", "grupo-alameda.es", "gmail.com"),
        ("Hola equipo", "Saludos cordiales", "la dirección de entrega es", "puede llamarme al"),
    ),
    "IT": Locale(
        "IT",
        "IT",
        ("libero.it", "virgilio.it", "tiscali.it", "studio-ferraro.it"),
        ("Buongiorno a tutti", "Cordiali saluti", "l'indirizzo di consegna è", "chiamatemi al"),
    ),
    "BR": Locale(
        "BR",
        "BR",
        ("uol.com.br", "bol.com.br", "terra.com.br", "construtora-aurora.com.br"),
        ("Olá pessoal", "Atenciosamente", "o endereço de entrega é", "pode me ligar no"),
    ),
    "PL": Locale(
        "PL",
        "PL",
        ("wp.pl", "onet.pl", "interia.pl", "o2.pl"),
        ("Dzień dobry", "Pozdrawiam serdecznie", "adres do wysyłki to", "proszę dzwonić pod"),
    ),
    "TR": Locale(
        "TR",
        "TR",
        ("anadolu-tekstil.com.tr", "hotmail.com", "yandex.com.tr"),
        ("Merhaba", "Saygılarımla", "teslimat adresi", "beni şu numaradan arayın"),
    ),
    "JP": Locale("JP", None, ("yahoo.co.jp", "docomo.ne.jp", "sakura-shoji.co.jp")),
    "IN": Locale("IN", None, ("rediffmail.com", "gmail.com", "infosol.co.in")),
    "NG": Locale("NG", None, ("yahoo.com", "zenithmeridian.com.ng", "gmail.com")),
    # ---- locales only the test part uses ----
    "NL": Locale(
        "NL",
        "NL",
        ("ziggo.nl", "kpnmail.nl", "xs4all.nl"),
        ("Hoi allemaal", "Met vriendelijke groet", "het afleveradres is", "bel me op"),
    ),
    "IS": Locale(
        "IS",
        "IS",
        ("simnet.is", "hafnarfjordur.is"),
        ("Góðan dag", "Bestu kveðjur", "heimilisfangið er", "hringdu í mig í síma"),
    ),
    "CZ": Locale(
        "CZ",
        "CZ",
        ("seznam.cz", "centrum.cz", "email.cz"),
        ("Dobrý den", "S pozdravem", "doručovací adresa je", "volejte mi na číslo"),
    ),
    "MX": Locale(
        "MX",
        None,
        ("prodigy.net.mx", "hotmail.com", "grupo-tlaloc.com.mx"),
        ("Qué tal", "Saludos", "la dirección de envío es", "me puedes marcar al"),
    ),
    "VN": Locale(
        "VN",
        None,
        ("fpt.vn", "vnn.vn", "gmail.com"),
        ("Xin chào", "Trân trọng", "địa chỉ giao hàng là", "gọi cho tôi theo số"),
    ),
    "KR": Locale("KR", None, ("naver.com", "daum.net", "hanbit-tech.co.kr")),
    "HU": Locale(
        "HU",
        "HU",
        ("freemail.hu", "citromail.hu"),
        ("Jó napot", "Üdvözlettel", "a szállítási cím", "hívjon ezen a számon"),
    ),
    "KE": Locale(
        "KE",
        None,
        ("yahoo.com", "africaonline.co.ke"),
        ("Habari", "Asante sana", "anwani ya kupeleka ni", "nipigie kwa"),
    ),
    "PT": Locale(
        "PT",
        "PT",
        ("sapo.pt", "netcabo.pt"),
        ("Bom dia", "Com os melhores cumprimentos", "a morada de entrega é", "ligue-me para o"),
    ),
}

DEV_LOCALES = ("US", "GB", "DE", "FR", "ES", "IT", "BR", "PL", "TR", "JP", "IN", "NG")
TEST_ONLY_LOCALES = ("NL", "IS", "CZ", "MX", "VN", "KR", "HU", "KE", "PT")
IBAN_ELSEWHERE = ("AT", "CH", "BE", "SE", "IE", "SA", "AE", "NO")
