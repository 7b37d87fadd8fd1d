"""The words counterparts are named with: banks, people, small businesses, payers.

Pure data. ``LOCAL_WORDS`` ties the directory's generic kind-words to the words a
neighbourhood business puts before its name; the rest are the names that go after
it, the people and firms that pay or are paid, and the banks they hold accounts at.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Directory kind-words (generic entries, by name) that name a neighbourhood business,
#: and the words such a business puts before its name. Each word is used only when it
#: is the entry's name or one of its aliases, so the label is the directory's.
LOCAL_WORDS: dict[str, tuple[str, ...]] = {
    "Supermercado": ("Supermercado", "Supermercados"), "Mercado": ("Mercado",),
    "Mercadinho": ("Mercadinho",), "Minimercado": ("Minimercado", "Mini Mercado"),
    "Mercearia": ("Mercearia",), "Armazém": ("Armazém",), "Empório": ("Empório",),
    "Hortifruti": ("Hortifruti",), "Sacolão": ("Sacolão",), "Quitanda": ("Quitanda",),
    "Frutaria": ("Frutaria", "Verdurão"), "Açougue": ("Açougue", "Casa de Carnes"),
    "Frigorífico": ("Frigorífico", "Casa de Frios", "Avícola"), "Peixaria": ("Peixaria",),
    "Padaria": ("Padaria",), "Panificadora": ("Panificadora",),
    "Farmácia": ("Farmácia",), "Drogaria": ("Drogaria",),
    "Farmácia de manipulação": ("Farmácia de Manipulação",),
    "Conveniência": ("Conveniência",), "Adega": ("Adega",),
    "Distribuidora de bebidas": ("Distribuidora de Bebidas", "Depósito de Bebidas"),
    "Tabacaria": ("Tabacaria",), "Posto": ("Posto",), "Auto posto": ("Auto Posto",),
    "Estacionamento": ("Estacionamento",), "Parking": ("Park", "Garagem"),
    "Restaurante": ("Restaurante", "Cantina", "Marmitaria", "Rotisseria"),
    "Churrascaria": ("Churrascaria", "Espetinho", "Galeteria"), "Pizzaria": ("Pizzaria",),
    "Comida japonesa": ("Sushi", "Temakeria"), "Pastelaria": ("Pastelaria",),
    "Bistrô": ("Bistrô",), "Lanchonete": ("Lanchonete", "Lanches"),
    "Hamburgueria": ("Hamburgueria", "Burger"), "Café": ("Café", "Cafeteria"),
    "Doceria": ("Doceria", "Loja de Doces", "Bomboniere"), "Confeitaria": ("Confeitaria",),
    "Chocolateria": ("Chocolateria",), "Sorveteria": ("Sorveteria", "Gelateria"),
    "Açaí": ("Açaí",), "Bar": ("Bar",), "Boteco": ("Boteco", "Botequim"),
    "Choperia": ("Choperia", "Cervejaria"), "Casa noturna": ("Casa de Shows",),
    "Cinema": ("Cine",), "Teatro": ("Teatro",), "Boliche e jogos": ("Boliche", "Kart"),
    "Festas infantis": ("Buffet Infantil",), "Viagem": ("Turismo", "Agência de Viagens"),
    "Aluguel de carros": ("Locadora de Veículos",), "Camping": ("Camping",),
    "Hotel": ("Hotel",), "Pousada": ("Pousada",), "Hostel": ("Hostel",),
    "Loja de roupas": ("Confecções",), "Modas": ("Modas", "Ateliê"),
    "Boutique": ("Boutique",), "Calçados": ("Calçados", "Sapataria"),
    "Lingerie": ("Lingerie",), "Artigos esportivos": ("Bicicletaria", "Esportes"),
    "Barbearia": ("Barbearia",), "Salão de beleza": ("Salão de Beleza", "Cabeleireiro",
                                                     "Espaço de Beleza"),
    "Manicure": ("Esmalteria",), "Estética": ("Estética", "Spa"),
    "Cosméticos": ("Perfumaria", "Cosméticos"), "Tatuagem": ("Tattoo",),
    "Academia": ("Academia",), "Crossfit": ("Crossfit",), "Pilates": ("Studio Pilates",),
    "Artes marciais": ("Jiu Jitsu", "Muay Thai"), "Dança": ("Studio de Dança",),
    "Clube": ("Clube", "Esporte Clube"), "Hobbies": ("Armarinho", "Artesanato"),
    "Pet shop": ("Pet Shop", "Pet Center", "Agropet"),
    "Veterinária": ("Veterinária", "Centro Veterinário"),
    "Livraria": ("Livraria", "Sebo"), "Brinquedos": ("Loja de Brinquedos",),
    "Presentes": ("Presentes",), "Floricultura": ("Floricultura",),
    "Joalheria": ("Joalheria", "Relojoaria"),
    "Loja de departamentos": ("Bazar", "Magazine", "Utilidades"),
    "Móveis e decoração": ("Móveis", "Colchões", "Decorações"),
    "Eletrônicos": ("Eletrônicos", "Celulares"), "Informática": ("Informática",),
    "Papelaria": ("Papelaria",), "Gráfica": ("Gráfica", "Copiadora"),
    "Coworking": ("Coworking",),
    "Contabilidade": ("Contabilidade", "Escritório Contábil", "Assessoria Contábil"),
    "Clínica": ("Clínica", "Clínica Médica", "Centro Médico", "Policlínica"),
    "Consultório": ("Consultório",), "Laboratório": ("Laboratório",),
    "Hospital": ("Hospital",), "Odontologia": ("Odontologia", "Dental",
                                               "Clínica Odontológica"),
    "Fisioterapia": ("Fisioterapia",), "Psicologia": ("Psicologia",), "Ótica": ("Ótica",),
    "Escola": ("Escola", "Colégio"), "Creche": ("Creche", "Berçário"),
    "Idiomas": ("Escola de Inglês", "Idiomas"), "Autoescola": ("Autoescola",),
    "Gás de cozinha": ("Disk Gás", "Depósito de Gás"), "Água e saneamento": ("Disk Água",),
    "Materiais de construção": ("Materiais de Construção", "Madeireira", "Vidraçaria",
                                "Home Center"),
    "Ferragens": ("Ferragens", "Tintas", "Chaveiro"),
    "Lavanderia": ("Lavanderia", "Tinturaria"),
    "Oficina mecânica": ("Oficina Mecânica", "Auto Center", "Auto Mecânica", "Funilaria"),
    "Autopeças": ("Autopeças", "Borracharia"), "Lava-rápido": ("Lava Rápido", "Lava Jato"),
    "Reparos domésticos": ("Serralheria", "Marcenaria", "Dedetizadora"),
    "Seguro": ("Corretora de Seguros",), "Frete de mercadorias": ("Transportadora",),
}


@dataclass(frozen=True)
class Bank:
    name: str  # as Nubank prints it
    code: str  # 4 digits, as in '(0341)'
    ispb: str  # 8 digits, as in Inter's 'Cp :60701190-'


BANKS = (
    Bank("NU PAGAMENTOS - IP", "0260", "18236120"),
    Bank("ITAÚ UNIBANCO S.A.", "0341", "60701190"),
    Bank("BCO DO BRASIL S.A.", "0001", "00000000"),
    Bank("CAIXA ECONOMICA FEDERAL", "0104", "00360305"),
    Bank("BCO BRADESCO S.A.", "0237", "60746948"),
    Bank("BCO SANTANDER (BRASIL) S.A.", "0033", "90400888"),
    Bank("BCO INTER S.A.", "0077", "00416968"),
    Bank("BCO C6 S.A.", "0336", "31872495"),
    Bank("BCO BTG PACTUAL S.A.", "0208", "30306294"),
    Bank("BCO COOPERATIVO SICREDI S.A.", "0748", "01181521"),
    Bank("BANCO SICOOB S.A.", "0756", "02038232"),
)
SHOP_BANKS = (
    Bank("PAGSEGURO INTERNET IP S.A.", "0290", "08561701"),
    Bank("MERCADO PAGO IP LTDA.", "0323", "10573521"),
    Bank("STONE INSTITUIÇÃO DE PAGAMENTO S.A.", "0197", "16501555"),
    Bank("CORA SCD S.A.", "0403", "37880206"),
    Bank("PICPAY", "0380", "22896431"),
)

FIRST_NAMES = (
    "Maria", "José", "Ana", "João", "Antônio", "Francisco", "Carlos", "Paulo", "Pedro",
    "Lucas", "Luiz", "Marcos", "Gabriel", "Rafael", "Daniel", "Marcelo", "Bruno", "Eduardo",
    "Felipe", "Raimundo", "Rodrigo", "Fernanda", "Juliana", "Patrícia", "Aline", "Adriana",
    "Camila", "Bruna", "Letícia", "Beatriz", "Larissa", "Vanessa", "Sandra", "Francisca",
    "Luciana", "Márcia", "Sebastião", "Benedito", "Joana", "Rita", "Sônia", "Cláudia",
    "Tereza", "Helena", "Júlia", "Mariana", "Thiago", "Gustavo", "Vinícius", "Leonardo",
    "Mateus", "Diego", "Renata", "Priscila", "Simone", "Débora", "Edson", "Sérgio",
    "Roberto", "Ricardo", "Jorge", "Fábio", "Alexandre", "Cristiane", "Elaine", "Jéssica",
    "Raquel", "Vera", "Lúcia", "Irene", "Rosana", "Valdir", "Nilson", "Gilberto", "Otávio",
)
SURNAMES = (
    "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira",
    "Lima", "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares",
    "Fernandes", "Vieira", "Barbosa", "Rocha", "Dias", "Nascimento", "Andrade", "Moreira",
    "Nunes", "Marques", "Machado", "Mendes", "Freitas", "Cardoso", "Ramos", "Gonçalves",
    "Santana", "Teixeira", "Araújo", "Pinto", "Correia", "Cavalcanti", "Monteiro", "Moura",
    "Campos", "Batista", "Azevedo", "Castro", "Borges", "Rezende", "Barros", "Pires",
    "Fonseca", "Brandão", "Siqueira", "Xavier", "Miranda", "Queiroz", "Sampaio", "Tavares",
    "Farias", "Coelho", "Leite", "Magalhães", "Medeiros", "Prado", "Aguiar", "Bezerra",
    "Cunha", "Duarte", "Guimarães", "Macedo", "Vasconcelos", "Peixoto", "Falcão", "Lacerda",
)
NICKNAMES = (
    "do Zé", "do João", "do Tonho", "do Chico", "do Bira", "do Tião", "do Juca", "do Nando",
    "do Beto", "do Léo", "do Português", "do Alemão", "do Japa", "do Careca", "do Dudu",
    "do Paulinho", "do Marcão", "do Gaúcho", "do Baiano", "do Mineiro", "da Maria",
    "da Neide", "da Cida", "da Lurdes", "da Fátima", "da Tia Rosa", "da Vó Nina",
    "da Dona Benta", "da Márcia", "da Tereza", "da Rosinha", "do Seu Jorge", "do Valdir",
)
SAINTS = (
    "Santa Luzia", "São Jorge", "São José", "São Judas Tadeu", "Santo Antônio",
    "São Francisco", "Santa Rita", "Santa Clara", "Nossa Senhora Aparecida", "Bom Jesus",
    "Divino Espírito Santo", "São Pedro", "São Bento", "Santa Terezinha", "Sagrado Coração",
    "São Cristóvão", "Santa Cecília", "São Lucas", "Santa Mônica", "São Sebastião",
    "Nossa Senhora de Fátima", "São Miguel", "Santa Edwiges", "São Benedito",
)
PLACE_WORDS = (
    "Estrela", "Central", "Real", "Ideal", "Progresso", "Primavera", "Vitória",
    "Esperança", "Boa Vista", "Bela Vista", "Nova Era", "Novo Horizonte", "Sol Nascente",
    "Aurora", "Paraíso", "Imperial", "Avenida", "Vila Nova", "Copacabana", "Ipanema",
    "Moema", "Pinheiros", "Tijuca", "Boa Viagem", "Savassi", "Batel", "Aldeota", "Alvorada",
    "Serra Azul", "das Flores", "da Praça", "da Esquina", "do Povo", "Popular", "Harmonia",
    "Tropical", "Cristal", "Diamante", "Ouro Verde", "Pérola", "Girassol", "Oásis",
    "Atlântico", "Mineira", "Gaúcha", "Nordeste", "Carioca", "Paulista", "Bahia",
    "Recanto", "Ponto Certo", "Jardim América", "Vila Mariana", "Lapa", "Mooca",
    "Butantã", "Santa Teresa", "Pampulha", "Barra", "Itapuã", "Boqueirão", "Portão",
    "Água Verde", "Cabral", "Liberdade", "Bom Retiro", "Ipiranga", "Méier", "Madureira",
    "Real Grandeza", "Colonial", "Modelo", "Confiança", "União", "Aliança", "Vitória Régia",
    "Nova Aliança", "Horizonte", "Planalto", "Continental", "Cruzeiro", "Triângulo",
    "Premium", "Express", "Prime", "Estrela do Sul", "Sete de Setembro", "Quinze de Novembro",
)
FAMILY_WORDS = ("Três Irmãos", "Dois Irmãos", "Irmãos {s}", "{s} & Filhos", "Família {s}",
                "Pai e Filho", "{s}", "{f} {s}", "Irmãs {s}")
#: Names that fit one kind of business better than the universal ones.
FLAVOURS: dict[str, tuple[str, ...]] = {
    "restaurant": ("Sabor Caseiro", "Sabor de Minas", "Tempero da Vovó", "Fogão a Lenha",
                   "Bom Sabor", "Bella Vista", "Cheiro Verde", "Sabor da Terra", "Dona Florinda",
                   "Panela de Barro", "Villa Toscana", "Sakura", "Tóquio", "Don Giovanni",
                   "Bella Napoli", "Sertanejo", "Paladar", "Mesa Farta", "Tempero Baiano"),
    "snack": ("Bom Lanche", "Ponto do Lanche", "Sabor Express", "Lanche Feliz", "Mordida"),
    "bar": ("Ponto Final", "Cantinho", "Esquina", "Saideira", "Resenha", "Pé Sujo",
            "Boa Prosa", "Amigos", "Chopp Gelado"),
    "cafe": ("Grão Nobre", "Aroma", "Bom Dia", "Expresso Paulista", "Grão de Ouro",
             "Xícara", "Colonial"),
    "sweets": ("Doce Encanto", "Doce Sabor", "Delícia", "Brigadeiro & Cia", "Mel",
               "Doce Magia", "Açúcar e Afeto"),
    "pet": ("Amigo Fiel", "Pet Feliz", "Patas e Cia", "Cão Amigo", "Bicho Mimado",
            "Quatro Patas", "Focinho Gelado"),
    "health": ("Sorriso", "Vida", "Saúde Total", "Bem Estar", "São Lucas", "Santa Mônica",
               "Sorriso Perfeito", "Vida Plena", "Viver Bem", "Dente de Leite"),
    "stationery": ("Criativa", "Arte & Papel", "Escolar", "Papel e Cia", "Ponto do Papel",
                   "Lápis de Cor", "Office Center"),
    "beauty": ("Bella Donna", "Charme", "Espaço Beleza", "Visual", "Estilo", "Navalha de Ouro"),
    "bakery": ("Pão Quente", "Trigo de Ouro", "Pão Nosso", "Flor do Trigo", "Doce Pão"),
    "grocery": ("Bom Preço", "Preço Bom", "Economia", "Compre Bem", "Da Família", "Do Bairro"),
    "supermarket": ("Bom Preço", "Economia", "Compre Bem", "Da Família", "Do Bairro", "Irmãos"),
    "fuel": ("Três Irmãos", "Trevo", "Rodovia", "Estrada Real", "Ponte", "Triângulo", "Via Sul"),
    "parking": ("Central", "Centro", "Park Seguro", "Garagem", "Praça", "Vaga Certa"),
    "car-service": ("Roda Viva", "Motor Forte", "Pit Stop", "Garagem", "Auto Mecânica"),
}


#: A person's role decides the most plausible label of a Pix with no other hint (rule 5).
PERSON_ROLES = (("landlord", "NECESSIDADE"), ("friend", "LAZER"), ("payer", "TRABALHO"),
                ("cleaner", "NECESSIDADE"))

#: Employers and clients that pay the account holder (TRABALHO).
EMPLOYERS = (
    "ACME TECNOLOGIA LTDA", "NOVA ERA SISTEMAS LTDA", "ORION SOFTWARE LTDA",
    "CONSTRUTORA ALICERCE LTDA", "TRANSPORTADORA RAPIDO SUL LTDA",
    "INDUSTRIA METALURGICA PAULISTA S.A.", "VETOR ARQUITETURA E URBANISMO LTDA",
    "CIA BRASILEIRA DE LOGISTICA S.A.", "QUANTUM ANALYTICS LTDA",
)
CLIENTS = (
    "BETA CONSULTORIA EMPRESARIAL LTDA", "AGENCIA PIXEL DIGITAL LTDA", "DELTA SERVICOS DE TI LTDA",
    "PRIMUS MARKETING DIGITAL LTDA", "LUMEN DESIGN STUDIO LTDA", "ATLAS AUDITORIA E CONSULTORIA",
    "TECNOVIA SOLUCOES LTDA", "INSTITUTO ALFA DE PESQUISA", "MOURA & ASSOCIADOS ADVOGADOS",
    "VALE VERDE AGRONEGOCIOS S.A.", "GAMMA ENGENHARIA E PROJETOS LTDA", "SIGMA TRADUCOES LTDA",
    "OMEGA EVENTOS CORPORATIVOS LTDA", "HELIX BIOTECNOLOGIA S.A.", "KAPPA COMUNICACAO LTDA",
)
#: Rent and condominium counterparts (NECESSIDADE).
HOUSING = (
    ("Imobiliária Lopes", "IMOBILIARIA LOPES LTDA", "aluguel"),
    ("Imobiliária Central", "IMOBILIARIA CENTRAL ADM DE IMOVEIS LTDA", "aluguel"),
    ("Administradora São Jorge", "ADMINISTRADORA DE IMOVEIS SAO JORGE LTDA", "aluguel"),
    ("Imobiliária Horizonte", "HORIZONTE IMOVEIS E ALUGUEIS LTDA", "aluguel"),
    ("Imobiliária Moraes", "MORAES NEGOCIOS IMOBILIARIOS LTDA", "aluguel"),
    ("Administradora Predial Boa Vista", "BOA VISTA ADMINISTRACAO DE IMOVEIS LTDA", "aluguel"),
    ("Aluguel Residencial Bela Vista", "ALUGUEL RESIDENCIAL BELA VISTA LTDA", "aluguel"),
    ("Condomínio Edifício Solar das Palmeiras", "CONDOMINIO EDIFICIO SOLAR DAS PALMEIRAS",
     "condominio"),
    ("Condomínio Residencial Parque das Árvores",
     "CONDOMINIO RESIDENCIAL PARQUE DAS ARVORES", "condominio"),
    ("Cond Ed Monte Verde", "COND ED MONTE VERDE", "condominio"),
    ("Condomínio Edifício Ipê Amarelo", "CONDOMINIO EDIFICIO IPE AMARELO", "condominio"),
    ("Condomínio Vila Serena", "CONDOMINIO RESIDENCIAL VILA SERENA", "condominio"),
    ("Condomínio Edifício Atlântico", "CONDOMINIO DO EDIFICIO ATLANTICO", "condominio"),
)
