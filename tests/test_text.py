from __future__ import annotations

import pytest

from txcat.counterpart import counterpart
from txcat.merchants import default_matcher
from txcat.text import clean_description, column_key, fold, strip_bank_details

PIX_VIA_MERCADO_PAGO = ("Transferência enviada pelo Pix - AUTO POSTO SERRA AZUL - "
                        "12.345.678/0001-90 - MERCADO PAGO INSTITUIÇÃO DE PAGAMENTO LTDA. "
                        "(0323) Agência: 1 Conta: 1234567-8")
PIX_VIA_NUBANK = ("Transferência recebida pelo Pix - LOJA DE DOCES - •••.123.456-•• - "
                  "NU PAGAMENTOS - IP (0260) Agência: 1 Conta: 1234567-8")


@pytest.mark.parametrize(("text", "expected"), [
    (PIX_VIA_MERCADO_PAGO,
     "Transferência enviada pelo Pix - AUTO POSTO SERRA AZUL - 12.345.678/0001-90"),
    (PIX_VIA_NUBANK, "Transferência recebida pelo Pix - LOJA DE DOCES - •••.123.456-••"),
    ("Transferência enviada pelo Pix - MERCADINHO ESTRELA - 11.111.222/0001-33 - "
     "BANCO ABC (1234) Agência: 567 Conta: 101112-3",
     "Transferência enviada pelo Pix - MERCADINHO ESTRELA - 11.111.222/0001-33"),
    ("Compra no débito - Mercado Econômico", "Compra no débito - Mercado Econômico"),
])
def test_bank_details_of_the_counterpart_are_not_part_of_its_name(text: str,
                                                                  expected: str) -> None:
    assert strip_bank_details(text) == expected


def test_the_counterparts_bank_does_not_decide_the_merchant() -> None:
    kinds = [m.kind for m in default_matcher().find(PIX_VIA_MERCADO_PAGO)]
    assert "supermercado" not in kinds
    assert "posto_combustivel" in kinds
    assert counterpart(PIX_VIA_MERCADO_PAGO) == "auto posto serra azul"
    assert counterpart(PIX_VIA_NUBANK) == "loja doces"


def test_clean_description_drops_identifiers_and_accents() -> None:
    assert clean_description(PIX_VIA_NUBANK) == "transferencia recebida pelo pix loja de doces"
    assert column_key("Nº documento") == "nodocumento"
    assert column_key("Saída(R$)") == "saidar"


@pytest.mark.parametrize(("description", "expected"), [
    ("Compra no débito - PAYPAL *LOJINHAXYZ", "lojinhaxyz"),
    ("Paypal *Oficina Do Zeca", "oficina zeca"),
    ("EBANX*ESTUDIOQWERTY", "estudioqwerty"),
    ("PAGTO TITULO TRANSPORTADORA SANTA E", "transportadora santa"),
    ("DL*ASSINATURAXPTO", "assinaturaxpto"),
    ("PICPAY *MARIA DOCES", "maria doces"),
])
def test_payment_processors_and_boleto_wording_are_not_the_counterpart(
        description: str, expected: str) -> None:
    assert default_matcher().find(description) == [] or \
        all(m.scope == "generic" for m in default_matcher().find(description))
    assert counterpart(description) == expected


@pytest.mark.parametrize(("description", "entry"), [
    ("Compra com Cartão - 07/07 17:06 MP*PEIXARIAPRECOBOM", "Peixaria"),
    ("Pag*Autopostotrevo", "Auto posto"),
    ("COMPRA CARTAO PAG*SUSHIPANELADEBAR", "Comida japonesa"),
    ("Pag*Espetinhodojuca", "Churrascaria"),
])
def test_kind_words_glued_to_a_name_by_card_machines_are_found(description: str,
                                                              entry: str) -> None:
    """Card machines print 'PAG*PEIXARIAPRECOBOM': the kind-word starts a glued name."""
    assert entry in [m.name for m in default_matcher().find(description)]


@pytest.mark.parametrize("description", [
    "Superuber Lanches",  # a chain's name inside a longer word is not the chain
    "PIX TRANSF BARBOSA",  # 'bar' is too short to be trusted as a glued prefix
])
def test_glued_matching_takes_only_long_kind_words(description: str) -> None:
    assert "Bar" not in [m.name for m in default_matcher().find(description)]
    assert all(m.scope == "generic" for m in default_matcher().find(description))


def test_a_glued_kind_word_is_split_off_for_word_models() -> None:
    separate = default_matcher().separate_glued
    assert separate("mp peixariaprecobom") == "mp peixaria precobom"
    assert separate("pag autopostotrevo") == "pag autoposto trevo"
    assert separate("barbosa silva") == "barbosa silva"


@pytest.mark.parametrize("words", [
    "compra supermercado restaurante estacionamento",  # directory words, whole
    "pastelaria do mercado",  # 'pastel' + the suffix 'aria' is a word, not a glued name
    "kabum comercio eletronico",  # 'eletro' + 'nico'
    "drogaria farmacias lanchonete",
])
def test_a_whole_word_is_never_split_as_if_glued(words: str) -> None:
    assert default_matcher().separate_glued(words) == words


@pytest.mark.parametrize(("description", "entry"), [
    ("PIX TRANSF KALUNGA04/10", "Kalunga"),  # Itaú glues the date to the name
    ("PIX QRS VIBRA ENERGIA26/10", "Vibra Energia"),
])
def test_a_date_glued_to_a_name_does_not_hide_it(description: str, entry: str) -> None:
    assert [m.name for m in default_matcher().find(description)] == [entry]
    assert counterpart(description) == entry.lower()


@pytest.mark.parametrize("description", [
    "LOCADORA DE VEICULOS", "MATERIAIS ELETRICAS", "MATERIAL ESCOLAR",
])
def test_an_inflected_word_is_not_a_glued_name(description: str) -> None:
    """'locadora' starts with 'locador' but is a word, not 'locador' + a name."""
    matcher = default_matcher()
    assert all(matcher.glued_prefix(t) is None for t in fold(description).split())
