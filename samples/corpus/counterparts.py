"""Who a household pays and is paid by: every counterpart, built once per run.

Chains under the names they have on statements (aliases, store numbers, acquirer
prefixes), neighbourhood businesses named from kind-words, the origin example's
shops, employers and clients, landlords and condominiums, people, and the bank's
own fees. Each carries its label, payment profile and bank details.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from txcat.text import fold

from .directory import DirectoryEntry, LabelCheck
from .draws import weighted
from .formats import cnpj, cut, masked_cpf, squash, title_pt, upper
from .names import (
    BANKS,
    CLIENTS,
    EMPLOYERS,
    FAMILY_WORDS,
    FIRST_NAMES,
    FLAVOURS,
    HOUSING,
    LOCAL_WORDS,
    NICKNAMES,
    PERSON_ROLES,
    PLACE_WORDS,
    SAINTS,
    SHOP_BANKS,
    SURNAMES,
    Bank,
)
from .origin import ORIGIN_COUNTERPARTS
from .plans import LABELS
from .profiles import (
    DEFAULT_PROFILES,
    INCOME_CLIENT,
    INCOME_SALARY,
    PUBLIC_KINDS,
    Profile,
    profile_for,
)


@dataclass
class Counterpart:
    key: str
    group: str  # chain | local | example | income | housing | person | bank
    name: str  # the name people know it by
    legal: str  # the name on Pix, boleto and TED rows
    stores: list[str]  # card descriptors, upper-case, before any bank truncation
    kind: str
    label: str
    profile: Profile
    doc: str  # CNPJ or masked CPF
    bank: Bank
    agency: str
    account: str
    accents: bool = False  # keeps accents in upper-case forms (Itaú, BB)
    online: bool = False
    role: str = ""
    price: float = 0.0  # for monthly bills and subscriptions
    popularity: float = 1.0
    pix_name: str = ""  # the name as Nubank prints a Pix counterpart
    keys: frozenset[str] = frozenset()  # folded name and aliases, to find it by name
    staple: bool = False
    prefixes: tuple[str, ...] = ()  # acquirer-style aliases ('IFD*') a shop name follows

    def __post_init__(self) -> None:
        if not self.pix_name:
            self.pix_name = self.legal


_LEGAL_SUFFIX = re.compile(r"\b(?:ltda|s\.?/?a\.?|me|eireli|epp|cia)\b\.?", re.IGNORECASE)
_PREFIX_ALIAS = re.compile(r"^[A-Za-z0-9 .]{2,12}\s?\*\s?$")  # 'IFD*', 'UBER *'


def chain_counterpart(entry: DirectoryEntry, key: str, rng: random.Random,
                      food_names: Sequence[str]) -> Counterpart:
    """A chain under the names it has on statements: aliases, store numbers, acquirers."""
    profile = profile_for(entry.kind, entry.name, entry.label)
    digital = profile.name in ("streaming", "software", "games") or \
        "com" in fold(entry.name).split()
    online = digital or profile.name in ("delivery", "ride", "travel", "course", "shipping",
                                         "retail", "entertainment", "toll")
    prefixes = [a for a in entry.aliases if _PREFIX_ALIAS.match(a)]
    plain = [a for a in entry.aliases if a not in prefixes and not _LEGAL_SUFFIX.search(a)]
    legal_forms = [a for a in entry.aliases if a not in prefixes and _LEGAL_SUFFIX.search(a)]
    names = plain or [entry.name]
    stores: list[str] = []
    for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
        if prefixes and rng.random() < 0.7:
            prefix = upper(rng.choice(prefixes)).rstrip()
            tail = rng.choice(food_names) if profile.name == "delivery" and food_names \
                else upper(rng.choice(names))
            if prefix.endswith("*") and fold(tail) and fold(tail) in fold(prefix):
                tail = "TRIP" if profile.name == "ride" else tail
            store = f"{prefix}{tail}"
        else:
            base = upper(rng.choice(names))
            r = rng.random()
            if digital:  # foreign services bill through Ebanx, dLocal, PayPal
                if r < 0.3:
                    base = f"{rng.choice(('EBN*', 'DL*', 'PAYPAL *', 'EBANX*'))}{base}"
                elif r < 0.4 and "." not in base and " " not in base:
                    base = f"{base}.COM"
            elif online:
                if r < 0.2 and profile.name in ("travel", "retail", "course", "entertainment"):
                    base = f"{rng.choice(('PG *', 'MP*', 'PAYPAL *', 'PAGSEGURO*'))}{base}"
            elif r < 0.55:
                base = f"{base} {rng.randrange(1, 2000):04d}" if rng.random() < 0.6 \
                    else f"{base} {rng.choice(('LJ', 'FILIAL', 'UN', 'LOJA'))} " \
                         f"{rng.randrange(1, 400)}"
            elif r < 0.65:
                base = f"{base} {rng.choice(('CENTRO', 'MATRIZ', 'EXPRESS', 'FILIAL'))}"
            store = base
        if store not in stores:
            stores.append(store)
    if legal_forms:
        legal = upper(rng.choice(legal_forms))
    elif entry.kind in PUBLIC_KINDS or rng.random() < 0.35:
        legal = upper(names[0])
    else:
        legal = f"{upper(names[0])} {rng.choice(('LTDA', 'LTDA', 'S.A.', 'S/A', 'COMERCIO LTDA'))}"
    return Counterpart(
        key=key, group="chain", name=entry.name, legal=legal, stores=stores, kind=entry.kind,
        label=entry.label, profile=profile, doc=cnpj(rng), bank=rng.choice(BANKS),
        agency=f"{rng.randrange(1, 9999):04d}", account=f"{rng.randrange(10**4, 10**7)}-"
                                                       f"{rng.randrange(10)}",
        accents=rng.random() < 0.5, online=online,
        popularity=1.0 / (1 + rng.random() * 6),
        keys=frozenset(fold(a) for a in (entry.name, *entry.aliases)),
        prefixes=tuple(upper(p).rstrip() for p in prefixes),
    )


def build_locals(generic: list[DirectoryEntry], count: int, rng: random.Random,
                 label_mix: dict[str, float], check: LabelCheck) -> list[Counterpart]:
    """Neighbourhood businesses named from kind-words: 'Padaria Santa Luzia'."""
    usable = []
    for entry in generic:
        known = {fold(a) for a in (entry.name, *entry.aliases)}
        words = [w for w in LOCAL_WORDS.get(entry.name, ()) if fold(w) in known]
        if words:
            usable.append((entry, words))
    if not usable:
        raise SystemExit("the merchant directory has no generic kind-words to name shops with")
    by_label: dict[str, list] = {lab: [u for u in usable if u[0].label == lab] for lab in LABELS}
    out: list[Counterpart] = []
    seen: set[str] = set()
    tries = 0
    while len(out) < count and tries < count * 50:
        tries += 1
        label = weighted(rng, [(lab, w) for lab, w in label_mix.items() if by_label[lab]])
        entry, words = rng.choice(by_label[label])
        word = rng.choice(words)
        profile = profile_for(entry.kind, word, entry.label)
        r = rng.random()
        flavour = FLAVOURS.get(profile.name)
        if flavour and r < 0.25:
            rest = rng.choice(flavour)
        elif r < 0.45:
            rest = rng.choice(SAINTS)
        elif r < 0.62:
            rest = rng.choice(NICKNAMES)
        elif r < 0.80:
            rest = rng.choice(PLACE_WORDS)
        else:
            rest = rng.choice(FAMILY_WORDS).format(s=rng.choice(SURNAMES),
                                                   f=rng.choice(FIRST_NAMES))
        name = f"{word} {rest}"
        if fold(name) in seen or len(name) > 40 or not check.agrees(name, entry.label) or \
                check.names_chain(name):
            continue
        cp = _local_counterpart(name, word, rest, entry, profile, f"local:{len(out)}", rng)
        if not all(check.agrees(text, entry.label) for text in (cp.legal, *cp.stores)):
            continue
        seen.add(fold(name))
        out.append(cp)
    return out


def _local_counterpart(name: str, word: str, rest: str, entry: DirectoryEntry,
                       profile: Profile, key: str, rng: random.Random) -> Counterpart:
    accents = rng.random() < 0.5
    up_name = upper(name, accents)
    suffix = rng.choice(("LTDA", "LTDA", "LTDA ME", "ME", "EIRELI", "", "EPP"))
    if rng.random() < 0.2 and not rest.startswith(("do ", "da ", "das ", "dos ")):
        legal = f"{upper(rest, accents)} {upper(word, accents)} {suffix}".strip()
    else:
        legal = f"{up_name} {suffix}".strip()
    stores = []
    for _ in range(rng.choice((1, 1, 2))):
        r = rng.random()
        if r < 0.18:
            store = f"PAG*{squash(name)}"
        elif r < 0.30:
            store = f"MP*{squash(name)}"
        elif r < 0.38:
            store = f"{rng.choice(('SUMUP *', 'PG *', 'STONE*', 'EC *'))}{upper(name)}"
        elif r < 0.50:
            store = cut(legal, 25)
        else:
            store = upper(name)
        if store not in stores:
            stores.append(store)
    return Counterpart(
        key=key, group="local", name=name, legal=legal, stores=stores, kind=entry.kind,
        label=entry.label, profile=profile, doc=cnpj(rng),
        bank=rng.choice(SHOP_BANKS + BANKS[:6]), agency=f"{rng.randrange(1, 9999):04d}",
        account=f"{rng.randrange(10**4, 10**8)}-{rng.randrange(10)}", accents=accents,
        popularity=1.0 / (1 + rng.random() * 6),
        pix_name=legal if rng.random() < 0.8 else name,
    )


def origin_counterparts(rng: random.Random) -> list[Counterpart]:
    out = []
    for i, (name, kind, label, doc, bank, agency, account) in enumerate(ORIGIN_COUNTERPARTS):
        profile = profile_for(kind, name, label)
        out.append(Counterpart(
            key=f"example:{i}", group="example", name=name,
            legal=name if name.isupper() else upper(name, True),
            stores=[name if rng.random() < 0.5 else upper(name, True)], kind=kind, label=label,
            profile=profile, doc=doc or cnpj(rng), bank=bank or rng.choice(SHOP_BANKS),
            agency=agency or f"{rng.randrange(1, 999)}",
            account=account or f"{rng.randrange(10**4, 10**6)}-{rng.randrange(10)}",
            accents=True, popularity=0.5,
        ))
    return out


def income_counterparts(rng: random.Random, payers: Sequence[DirectoryEntry]) -> tuple[
        list[Counterpart], list[Counterpart]]:
    """Employers (salary) and clients (invoices; platforms such as Deel or Upwork)."""
    def make(name: str, legal: str, group_key: str, role: str, profile: Profile) -> Counterpart:
        return Counterpart(key=f"{group_key}:{name}", group="income", name=name, legal=legal,
                           stores=[], kind="salario" if role == "employer"
                           else "servicos_prestados", label="TRABALHO", profile=profile,
                           doc=cnpj(rng), bank=rng.choice(BANKS[1:6] + BANKS[8:9]),
                           agency=f"{rng.randrange(1, 9999):04d}",
                           account=f"{rng.randrange(10**4, 10**6)}-{rng.randrange(10)}",
                           role=role)
    employers = [make(title_pt(n), n, "employer", "employer", INCOME_SALARY) for n in EMPLOYERS]
    clients = [make(title_pt(n), n, "client", "client", INCOME_CLIENT) for n in CLIENTS]
    for e in payers:
        legal = next((a for a in e.aliases if _LEGAL_SUFFIX.search(a)), upper(e.name))
        clients.append(make(e.name, upper(legal), "client", "client", INCOME_CLIENT))
    return employers, clients


def housing_counterparts(rng: random.Random) -> list[Counterpart]:
    out = []
    for name, legal, kind in HOUSING:
        profile = profile_for(kind, name, "NECESSIDADE")
        out.append(Counterpart(
            key=f"housing:{name}", group="housing", name=name, legal=legal, stores=[],
            kind=kind, label="NECESSIDADE", profile=profile, doc=cnpj(rng),
            bank=rng.choice(BANKS), agency=f"{rng.randrange(1, 9999):04d}",
            account=f"{rng.randrange(10**4, 10**6)}-{rng.randrange(10)}",
            role="rent" if kind == "aluguel" else "condo", accents=rng.random() < 0.5,
        ))
    return out


def person_counterparts(rng: random.Random, count: int) -> list[Counterpart]:
    out, seen = [], set()
    while len(out) < count:
        first = rng.choice(FIRST_NAMES)
        middle = rng.choice((*SURNAMES, "Silva", "Santos", "Costa", "Souza"))
        last = rng.choice(SURNAMES)
        particle = {"Silva": "da ", "Costa": "da ", "Cunha": "da ", "Rocha": "da ",
                    "Santos": "dos "}.get(middle, "")
        name = f"{first} {particle}{middle} {last}"
        if name in seen or middle == last:
            continue
        seen.add(name)
        role, label = PERSON_ROLES[len(out) % len(PERSON_ROLES)]
        shown = upper(name, True) if rng.random() < 0.5 else name
        out.append(Counterpart(
            key=f"person:{name}", group="person", name=name, legal=shown, stores=[],
            kind="pessoa física", label=label, profile=DEFAULT_PROFILES[label],
            doc=masked_cpf(rng), bank=rng.choice(BANKS), agency=f"{rng.randrange(1, 9999):04d}",
            account=f"{rng.randrange(10**4, 10**8)}-{rng.randrange(10)}", role=role,
        ))
    return out


def bank_fee_counterpart(layout: str, rng: random.Random) -> Counterpart:
    name = {"itau": "Itaú Unibanco", "bb": "Banco do Brasil"}.get(layout, "Banco")
    return Counterpart(key=f"bank:{layout}", group="bank", name=name, legal=upper(name),
                       stores=[], kind="tarifa bancária", label="NECESSIDADE",
                       profile=profile_for("tarifa", "", "NECESSIDADE"), doc="",
                       bank=BANKS[1], agency="", account="")
