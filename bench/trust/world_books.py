# ruff: noqa: E501  (address books read best one list a line)
"""Address books for countries neither `mimesis` nor the evaluation sets' dev parts write.

Typed by hand on 2026-12-06 from general knowledge of each country's postal conventions
(street, house number and postcode order, unit and district words, postcode shape), before
the probe's first run. Streets, towns and names are common real ones; the values are
fictitious combinations. `HELD_OUT` names the countries that are only ever scored: their
leaked values are never printed, so a rule can be fitted to the tuning countries only.

Postcode shapes: `9` a digit, `A` a capital letter, `X` either; anything else is literal.
"""

from __future__ import annotations

from dataclasses import dataclass


def _w(s: str) -> tuple[str, ...]:
    return tuple(s.split("|"))


@dataclass(frozen=True, slots=True)
class Book:
    given: tuple[str, ...]
    family: tuple[str, ...]
    streets: tuple[str, ...]
    towns: tuple[str, ...]  # "Town" or "Town|Region"
    postcode: str
    street: str = "{n} {s}"  # how a house number and a street name are written
    line: str = "{street}, {town} {postcode}"  # street, postcode and town on one line
    block: str = "{street}\n{town} {postcode}"
    family_first: bool = False


BOOKS: dict[str, Book] = {
    "ie": Book(
        _w("Siobhán|Aoife|Ciarán|Pádraig|Niamh|Eoin|Gráinne|Darragh|Orla|Cathal"),
        _w(
            "Ó Briain|Mac Carthaigh|Fitzgerald|Ní Dhomhnaill|Brennan|Kavanagh|Moynihan|Ó Súilleabháin"
        ),
        _w("Main Street|Church Road|Bridge Street|Castle Street|O'Connell Street|Mill Road"),
        (
            "Ballina|Co. Mayo",
            "Ennis|Co. Clare",
            "Clonakilty|Co. Cork",
            "Tullamore|Co. Offaly",
            "Dingle|Co. Kerry",
            "Athlone|Co. Westmeath",
            "Carlow|Co. Carlow",
            "Bantry|Co. Cork",
        ),
        "A99 XXXX",
        line="{street}, {town}, {region}, {postcode}",
        block="{street}\n{town}\n{region}\n{postcode}",
    ),
    "nz": Book(
        _w("Aroha|Tane|Mere|Wiremu|Hemi|Olivia|Liam|Ngaio|Rawiri|Kiri"),
        _w("Te Whata|Ngata|Parata|Walker|Tipene|Horomona|McKenzie|Tawhiri"),
        _w("Queen Street|Cuba Street|Ponsonby Road|Devonport Road|Victoria Avenue|Tay Street"),
        ("Whakatane", "Tauranga", "Masterton", "Invercargill", "Greymouth", "Levin", "Ashburton"),
        "9999",
    ),
    "za": Book(
        _w("Thabo|Sipho|Lerato|Nomvula|Pieter|Anele|Zanele|Johannes|Karabo|Busisiwe"),
        _w("Nkosi|Dlamini|van der Merwe|Mokoena|Botha|Khumalo|Naidoo|Pretorius"),
        _w("Long Street|Voortrekker Road|Jan Smuts Avenue|Church Street|Bree Street|Oxford Road"),
        ("Stellenbosch", "Polokwane", "Mthatha", "George", "Upington", "Knysna", "Kimberley"),
        "9999",
        line="{street}, {town}, {postcode}",
    ),
    "in": Book(
        _w("Priya|Rahul|Ananya|Vikram|Lakshmi|Arjun|Deepika|Sanjay|Kavitha|Rohan"),
        _w("Sharma|Iyer|Venkataraman|Chatterjee|Reddy|Nair|Deshpande|Gupta|Menon"),
        _w("MG Road|Brigade Road|Anna Salai|Linking Road|Park Street|Residency Road"),
        (
            "Mysuru|Karnataka",
            "Nashik|Maharashtra",
            "Kozhikode|Kerala",
            "Udaipur|Rajasthan",
            "Vellore|Tamil Nadu",
            "Hubli|Karnataka",
            "Siliguri|West Bengal",
        ),
        "999999",
        street="Flat {n}, {s}",
        line="{street}, {town}, {region} {postcode}",
        block="{street}\n{town} - {postcode}\n{region}",
    ),
    "sg": Book(
        _w("Wei Ling|Jun Jie|Siti|Muthu|Hui Min|Kumar|Mei Ling|Zhi Hao|Nur|Rajesh"),
        _w("Tan|Lim|Ng|Teo|Goh|Abdullah|Pillai|Chua|Koh"),
        _w("Anson Road|Orchard Road|Tampines Street 81|Jurong West Avenue 1|Ang Mo Kio Avenue 3"),
        ("Singapore",),
        "999999",
        street="Blk {n} {s} #05-112",
        line="{street}, {town} {postcode}",
        family_first=True,
    ),
    "ph": Book(
        _w("Maria Luisa|Jose|Ma. Cristina|Rodrigo|Jocelyn|Ramon|Analyn|Dante|Rowena|Jun"),
        _w("Dela Cruz|Santos|Bautista|Villanueva|Macapagal|Reyes|Dimaculangan|Panganiban"),
        _w("Rizal Avenue|Mabini Street|Katipunan Avenue|Osmeña Boulevard|Burgos Street"),
        (
            "Dumaguete|Negros Oriental",
            "Tagbilaran|Bohol",
            "Vigan|Ilocos Sur",
            "Lipa|Batangas",
            "Tacloban|Leyte",
            "Legazpi|Albay",
        ),
        "9999",
        line="{street}, Brgy. San Isidro, {town}, {postcode} {region}",
        block="{street}, Brgy. Poblacion\n{town}, {region} {postcode}",
    ),
    "jp": Book(
        _w("Haruto|Yui|Sōta|Aoi|Ren|Hina|Takeshi|Yūko|Kenji|Akane"),
        _w("Satō|Suzuki|Takahashi|Watanabe|Itō|Yamamoto|Nakamura|Kobayashi|Ōta"),
        _w("Jingumae|Honcho|Sakae|Nishiki|Kitahama|Motomachi"),
        (
            "Kawagoe-shi|Saitama",
            "Kurashiki-shi|Okayama",
            "Hakodate-shi|Hokkaido",
            "Matsumoto-shi|Nagano",
            "Toyama-shi|Toyama",
            "Kōfu-shi|Yamanashi",
        ),
        "999-9999",
        street="3-{n}-12 {s}",  # chome, banchi, go
        line="{street}, {town}, {region} {postcode}",
        block="〒{postcode}\n{street}, {town}, {region}",
        family_first=True,
    ),
    "kr": Book(
        _w("Ji-woo|Seo-yeon|Min-jun|Ha-eun|Do-yoon|Su-bin|Jae-hyun|Eun-ji|Hyun-woo|Ye-jin"),
        _w("Kim|Lee|Park|Choi|Jung|Kang|Cho|Yoon|Jang"),
        _w("Teheran-ro|Sejong-daero|Haeundae-ro|Jungang-ro|Dongseong-ro|Gwangbok-ro"),
        (
            "Gangnam-gu, Seoul",
            "Haeundae-gu, Busan",
            "Suseong-gu, Daegu",
            "Yuseong-gu, Daejeon",
            "Gyeongju-si, Gyeongsangbuk-do",
            "Jeonju-si, Jeollabuk-do",
        ),
        "99999",
        street="{n} {s}",
        family_first=True,
    ),
    "vn": Book(
        _w("Minh Anh|Thanh Hương|Quốc Bảo|Thu Trang|Đức Minh|Ngọc Lan|Văn Hùng|Thị Mai"),
        _w("Nguyễn|Trần|Lê|Phạm|Hoàng|Phan|Vũ|Đặng|Bùi"),
        _w("Lê Lợi|Nguyễn Huệ|Trần Hưng Đạo|Hai Bà Trưng|Lý Thường Kiệt|Điện Biên Phủ"),
        (
            "Phường 5, Đà Lạt|Lâm Đồng",
            "Phường Vĩnh Ninh, Huế|Thừa Thiên Huế",
            "Phường Lộc Thọ, Nha Trang|Khánh Hòa",
            "Phường Minh An, Hội An|Quảng Nam",
        ),
        "999999",
        street="Số {n} đường {s}",
        line="{street}, {town}, {region} {postcode}",
        block="{street}\n{town}\n{region} {postcode}",
        family_first=True,
    ),
    "id": Book(
        _w("Budi|Siti|Agus|Dewi|Rizky|Putri|Hendra|Wulan|Bambang|Intan"),
        _w("Santoso|Wijaya|Hidayat|Kusuma|Saputra|Siregar|Nasution|Gunawan"),
        _w("Jl. Sudirman|Jl. Malioboro|Jl. Diponegoro|Jl. Gajah Mada|Jl. Pemuda|Jl. Ahmad Yani"),
        (
            "Kec. Mergangsan, Yogyakarta",
            "Kec. Denpasar Barat, Denpasar",
            "Kec. Coblong, Bandung",
            "Kec. Klojen, Malang",
            "Kec. Medan Baru, Medan",
        ),
        "99999",
        street="{s} No. {n}",
    ),
    "my": Book(
        _w("Ahmad|Nurul|Wei Jie|Siew Ling|Kumaran|Aisyah|Hafiz|Mei Yee|Ravi|Farah"),
        _w("bin Abdullah|binti Ismail|Lim|Tan|Subramaniam|Wong|Rahman|Chong"),
        _w("Jalan Bukit Bintang|Jalan Ampang|Jalan Tun Razak|Lorong Kulit|Jalan Penang"),
        (
            "Ipoh|Perak",
            "Kuantan|Pahang",
            "Melaka|Melaka",
            "Seremban|Negeri Sembilan",
            "Kota Bharu|Kelantan",
            "Miri|Sarawak",
        ),
        "99999",
        street="No. {n}, {s}",
        line="{street}, {postcode} {town}, {region}",
        block="{street}\n{postcode} {town}\n{region}",
    ),
    "ro": Book(
        _w("Andrei|Ioana|Mihai|Elena|Cristian|Alexandra|Bogdan|Raluca|Ștefan|Irina"),
        _w("Popescu|Ionescu|Dumitrescu|Stoica|Constantinescu|Munteanu|Gheorghiu|Țurcanu"),
        _w(
            "Strada Mihai Eminescu|Str. Republicii|Bulevardul Unirii|Calea Victoriei|Str. Avram Iancu"
        ),
        ("Sibiu", "Brașov", "Alba Iulia", "Sighișoara", "Făgăraș", "Bistrița", "Turda"),
        "999999",
        street="{s} nr. {n}",
        line="{street}, {postcode} {town}",
        block="{street}, bl. 4, ap. 12\n{postcode} {town}",
    ),
    "lt": Book(
        _w("Jonas|Rūta|Tomas|Eglė|Mindaugas|Gintarė|Paulius|Aistė|Darius|Ieva"),
        _w("Kazlauskas|Petrauskienė|Jankauskas|Žukauskaitė|Butkus|Stankevičius|Vaitkutė"),
        _w("Gedimino pr.|Laisvės al.|Vilniaus g.|Pilies g.|Taikos pr.|Savanorių pr."),
        ("Panevėžys", "Šiauliai", "Alytus", "Marijampolė", "Utena", "Kėdainiai", "Telšiai"),
        "LT-99999",
        street="{s} {n}",
        line="{street}, {postcode} {town}",
        block="{street}\n{postcode} {town}",
    ),
    "lv": Book(
        _w("Jānis|Anna|Kristaps|Līga|Mārtiņš|Ilze|Andris|Inese|Edgars|Dace"),
        _w("Bērziņš|Kalniņa|Ozoliņš|Jansone|Liepiņš|Krūmiņa|Zariņš|Vītola"),
        _w("Brīvības iela|Elizabetes iela|Lāčplēša iela|Rīgas iela|Krišjāņa Barona iela"),
        ("Cēsis", "Valmiera", "Jelgava", "Kuldīga", "Sigulda", "Ventspils", "Talsi"),
        "LV-9999",
        street="{s} {n}-7",
        line="{street}, {town}, {postcode}",
        block="{street}\n{town}, {postcode}",
    ),
    "si": Book(
        _w("Luka|Nina|Matej|Maja|Žiga|Eva|Rok|Špela|Gregor|Tjaša"),
        _w("Novak|Horvat|Kranjc|Zupančič|Potočnik|Kovačič|Mlakar|Vidmar"),
        _w("Slovenska cesta|Trubarjeva ulica|Partizanska cesta|Prešernova ulica|Glavni trg"),
        ("Kranj", "Celje", "Ptuj", "Novo mesto", "Koper", "Škofja Loka", "Bled"),
        "9999",
        street="{s} {n}",
        line="{street}, {postcode} {town}",
        block="{street}\n{postcode} {town}",
    ),
    "gr": Book(
        _w("Giorgos|Eleni|Dimitris|Katerina|Nikos|Maria|Kostas|Sofia|Yannis|Despina"),
        _w("Papadopoulos|Georgiou|Papadaki|Nikolaidis|Karamanlis|Oikonomou|Vlachou"),
        _w("Odos Ermou|Leoforos Syngrou|Tsimiski|Odos Egnatia|Venizelou|Akadimias"),
        ("Volos", "Ioannina", "Chania", "Kalamata", "Trikala", "Nafplio", "Kozani"),
        "999 99",
        street="{s} {n}",
        line="{street}, {postcode} {town}",
        block="{street}\n{postcode} {town}",
    ),
    "ar": Book(
        _w("Martín|Sofía|Joaquín|Valentina|Facundo|Camila|Santiago|Milagros|Lautaro|Agustina"),
        _w("González|Fernández|Gómez Rivas|Sosa|Benítez|Acosta|Quiroga|Pereyra"),
        _w("Av. Corrientes|Calle San Martín|Av. Santa Fe|Bv. Oroño|Calle Rivadavia|Av. Colón"),
        (
            "Rosario|Santa Fe",
            "Mendoza|Mendoza",
            "San Rafael|Mendoza",
            "Tandil|Buenos Aires",
            "Salta|Salta",
            "Bariloche|Río Negro",
        ),
        "A9999AAA",
        street="{s} {n}, Piso 3, Depto. B",
        line="{street}, {postcode} {town}, {region}",
        block="{street}\n{postcode} {town}\n{region}",
    ),
    "cl": Book(
        _w("Benjamín|Catalina|Matías|Javiera|Vicente|Constanza|Tomás|Fernanda|Ignacio|Antonia"),
        _w("Muñoz|Rojas|Soto|Contreras|Silva|Araya|Espinoza|Valenzuela"),
        _w(
            "Av. Providencia|Calle Prat|Av. Libertad|Calle Esmeralda|Av. Argentina|Pasaje Las Lilas"
        ),
        ("Viña del Mar", "Temuco", "Puerto Montt", "La Serena", "Talca", "Osorno", "Rancagua"),
        "9999999",
        street="{s} {n}, depto. 56",
        line="{street}, {town}, {postcode}",
        block="{street}\n{postcode} {town}",
    ),
    "co": Book(
        _w("Juan Camilo|Daniela|Andrés Felipe|Laura|Sebastián|Natalia|Carlos|Juliana|Diego"),
        _w("Rodríguez|Martínez|Gómez|Ramírez|Cárdenas|Ospina|Restrepo|Zapata"),
        _w("Calle 93|Carrera 7|Calle 10|Carrera 43A|Avenida 6N|Diagonal 40"),
        (
            "Manizales|Caldas",
            "Pereira|Risaralda",
            "Bucaramanga|Santander",
            "Popayán|Cauca",
            "Villavicencio|Meta",
            "Tunja|Boyacá",
        ),
        "999999",
        street="{s} # {n}-26",
        line="{street}, {town}, {region}",
        block="{street}, Apto. 301\n{town}, {region} {postcode}",
    ),
    "pe": Book(
        _w("José Luis|Rosa|Luis Alberto|Carmen|Miguel|Gabriela|Jorge|Lucía|Renzo|Milagros"),
        _w("Quispe|Flores|Huamán|Mamani|Chávez|Vargas|Ccori|Condori"),
        _w("Av. Larco|Jr. de la Unión|Av. Arequipa|Calle Mercaderes|Av. El Sol|Jr. Lampa"),
        ("Arequipa", "Cusco", "Trujillo", "Huancayo", "Chiclayo", "Cajamarca", "Puno"),
        "99999",
        street="{s} {n}",
        line="{street}, {town} {postcode}",
    ),
    "lu": Book(
        _w("Luc|Anne|Marc|Claude|Josée|Tom|Nathalie|Yves|Carole|Jeff"),
        _w("Schmit|Muller|Weber|Hoffmann|Wagner|Kremer|Thill|Reuter"),
        _w(
            "rue de la Gare|avenue de la Liberté|rue Principale|Grand-Rue|route d'Arlon|rue de Luxembourg"
        ),
        ("Esch-sur-Alzette", "Differdange", "Dudelange", "Ettelbruck", "Diekirch", "Wiltz"),
        "L-9999",
        street="{n}, {s}",
        line="{street}, {postcode} {town}",
        block="{street}\n{postcode} {town}",
    ),
    "be-fr": Book(
        _w("Julien|Camille|Maxime|Élodie|Quentin|Aurélie|Thibault|Manon|Jérôme|Céline"),
        _w("Dubois|Lambert|Dupont|Leclercq|Renard|Jacobs|Lemaire|Wauters"),
        _w("Rue de la Loi|Chaussée de Charleroi|Avenue Louise|Rue des Carmes|Place du Marché"),
        ("Namur", "Dinant", "Arlon", "Bastogne", "Nivelles", "Huy", "Spa"),
        "9999",
        street="{s} {n}",
        line="{street}, {postcode} {town}",
        block="{street}\n{postcode} {town}",
    ),
    "ca-fr": Book(
        _w("Mathieu|Geneviève|Étienne|Josée|François|Marie-Ève|Sébastien|Chantal|Gabriel"),
        _w("Tremblay|Gagnon|Roy|Côté|Bouchard|Gauthier|Lévesque|Pelletier"),
        _w("rue Sainte-Catherine Ouest|boulevard René-Lévesque|rue Saint-Jean|chemin Sainte-Foy"),
        (
            "Trois-Rivières|QC",
            "Sherbrooke|QC",
            "Rimouski|QC",
            "Saguenay|QC",
            "Drummondville|QC",
            "Granby|QC",
        ),
        "A9A 9A9",
        street="{n}, {s}",
        line="{street}, {town} ({region}) {postcode}",
        block="{street}\n{town} ({region})  {postcode}",
    ),
    "ng": Book(
        _w("Chinedu|Ngozi|Oluwaseun|Aisha|Emeka|Funmilayo|Tunde|Chiamaka|Ibrahim|Yetunde"),
        _w("Okafor|Adeyemi|Eze|Abubakar|Olawale|Nwosu|Bello|Okonkwo"),
        _w("Adeola Odeku Street|Awolowo Road|Allen Avenue|Ahmadu Bello Way|Aminu Kano Crescent"),
        (
            "Ikeja|Lagos",
            "Abeokuta|Ogun",
            "Enugu|Enugu",
            "Kaduna|Kaduna",
            "Owerri|Imo",
            "Ilorin|Kwara",
        ),
        "999999",
        line="{street}, {town}, {region} {postcode}",
        block="{street}\n{town}\n{region} State {postcode}",
    ),
    "bg": Book(
        _w("Georgi|Maria|Ivan|Elena|Dimitar|Desislava|Nikolay|Tsvetelina|Stoyan|Radostina"),
        _w("Ivanov|Petrova|Georgiev|Dimitrova|Stoyanov|Todorova|Nikolov|Kostadinova"),
        _w("ul. Vitosha|bul. Tsar Osvoboditel|ul. Rakovski|ul. Graf Ignatiev|bul. Maria Luiza"),
        ("Plovdiv", "Varna", "Burgas", "Ruse", "Veliko Tarnovo", "Gabrovo", "Kazanlak"),
        "9999",
        street="{s} {n}",
        line="{street}, {postcode} {town}",
        block="{street}, et. 3, ap. 8\n{postcode} {town}",
    ),
}

HELD_OUT: frozenset[str] = frozenset(
    {"nz", "sg", "kr", "id", "lv", "gr", "co", "lu", "bg", "ca-fr"}
)
"""Countries only ever scored, chosen before the first run."""
