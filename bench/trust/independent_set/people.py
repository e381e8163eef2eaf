"""Names of people from many naming cultures, typed by hand for this set.

The lists are written from general knowledge, not drawn from a faker or a name
library (the detector's authors built their name lists from `mimesis` and
`names`), so a name here is in their lists only by chance. Each culture keeps
its own conventions: Polish and Czech feminine surnames, Icelandic
patronymics, two Spanish surnames, Dutch particles, family-name-first order
for Hungarian, Vietnamese and Korean names, Japanese romanised with and
without macrons.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass


def _w(s: str) -> tuple[str, ...]:
    return tuple(s.split("|")) if "|" in s else tuple(s.split())


@dataclass(frozen=True, slots=True)
class NameBook:
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    surnames_female: tuple[str, ...] = ()
    order: str = "given-first"  # or "family-first", or "either"


BOOKS: dict[str, NameBook] = {
    "US": NameBook(
        _w("Tyler Brandon DeShawn Marcus Cody Hunter Mateo Ethan Jamal Trevor Colton Dakota Wyatt"),
        _w("Brianna Kayla Shaniqua Madison Destiny Haley Savannah Jasmine Kaitlyn Ximena Mckenna"),
        _w(
            "Whitfield|Castellanos|Oyelaran|Hutchins|McAllister|Delgado|Pruitt|Nguyen|Kowalczyk"
            "|Fitzgerald|Blackwood|Villanueva|Hendricks|O'Donnell|Washburn|Thibodeaux|Yazzie"
        ),
    ),
    "GB": NameBook(
        _w("Alistair Rhys Callum Oliver Hamish Gareth Declan Rupert Ieuan Nigel Tariq Fergus"),
        _w("Siobhan Imogen Philippa Niamh Gwen Harriet Rhiannon Eilidh Poppy Fiona Bethan Aoife"),
        _w(
            "Featherstone|Ashworth|Pemberton|MacLeod|Llewellyn|Cartwright|Rowntree|O'Sullivan"
            "|Greenhalgh|Fairbairn|Threlfall|Quigley|Whitworth|Ramsbottom|Ahmed|Penhaligon"
        ),
    ),
    "DE": NameBook(
        _w("Jürgen Jörg Björn Dieter Lukas Florian Matthias Günther Kai-Uwe Wolfgang Till Sönke"),
        _w("Anneliese Jülide Käthe Svenja Franziska Wiebke Dörte Ursula Mareike Gesine Lieselotte"),
        _w(
            "Weiß|Müller|Schäfer|Köhler|Großmann|Hoffmann|Brückner|von Ahlefeldt|Schröder"
            "|Krüger|Nießen|Lindemann|Pöschl|Wöhrle|Düsterhöft|Baumgärtner|Eßer"
        ),
    ),
    "ES": NameBook(
        _w("Íñigo Jesús José Ramón Álvaro Joaquín Sergio Andrés Rubén Ignacio Xabier Jordi"),
        _w("Begoña|María José|Ainhoa|Nuria|Macarena|Montserrat|Inés|Lucía|Pilar|Rocío|Itziar"),
        _w(
            "Núñez|Ibáñez|Gutiérrez|Sánchez|Muñoz|Echeverría|Peña|Martín|Gómez|Castaño|Bermúdez"
            "|Ordóñez|Fernández|Lozano|Iglesias|Vázquez|Arrieta|Domínguez"
        ),
    ),
    "BR": NameBook(
        _w("João Luiz Gonçalo Thiago Caio Vinícius Otávio Rogério Sebastião Leandro Cauã Davi"),
        _w("Conceição|Luíza|Ana Paula|Thaís|Graça|Fabíola|Jéssica|Lívia|Mônica|Raíssa|Débora"),
        _w(
            "da Conceição|Gonçalves|Magalhães|Araújo|de Oliveira|Brandão|Assunção|Falcão"
            "|Nogueira|dos Santos|Guimarães|Simões|Figueiredo|Peixoto|Sampaio|Damasceno"
        ),
    ),
    "PL": NameBook(
        _w("Łukasz Grzegorz Wojciech Przemysław Zbigniew Jędrzej Bartłomiej Mikołaj Szczepan"),
        _w("Małgorzata Żaneta Agnieszka Katarzyna Grażyna Jadwiga Bożena Wiesława Zuzanna Oliwia"),
        _w(
            "Wójcik|Kowalczyk|Zieliński|Wiśniewski|Dąbrowski|Szczepański|Górecki|Żak|Pietrzak"
            "|Błaszczykowski|Grzybowski|Chmielewski|Wróbel|Kaczmarek|Sobczak|Przybylski"
        ),
    ),
    "TR": NameBook(
        _w("Şükrü Çağlar Oğuz Ümit Barış Gökhan İsmail Mehmet Emre Doğan Tuğrul Ilgaz"),
        _w("Gökçe Şebnem Ayşegül Özlem Gülşen Çiğdem Nilüfer İpek Sıla Dilek Büşra Ezgi"),
        _w(
            "Öztürk|Yılmaz|Çelik|Şahin|Doğan|Kılıç|Aydın|Özdemir|Arslan|Koç|Kurtuluş|Ağaoğlu"
            "|Erdoğdu|Güneş|Yıldırım|Çakır|Sarıgül"
        ),
    ),
    "JP": NameBook(
        _w("Hiroshi Takeshi Kenji Yūki Shōta Daisuke Ryō Haruto Kōji Sōta Tatsuya Naoki"),
        _w("Yuki Haruka Aoi Megumi Sakura Naomi Yōko Ayaka Chihiro Misaki Emiko Kyōko"),
        _w(
            "Satō Tanaka Watanabe Takahashi Itō Yamamoto Nakamura Kobayashi Saitō Yoshida"
            " Matsumoto Inoue Kimura Hayashi Shimizu Yamaguchi Ōno Kondō"
        ),
        order="either",
    ),
    "IN": NameBook(
        _w("Venkatesh Rahul Arjun Sandeep Gurpreet Abhishek Sreenivas Imran Pranav Karthik"),
        _w("Priya Lakshmi Ananya Deepika Harpreet Sunita Kavya Meenakshi Shabnam Aishwarya"),
        _w(
            "Raghunathan|Subramanian|Chatterjee|Deshpande|Iyer|Venkataraman|Bhattacharya|Kaur"
            "|Reddy|Kulkarni|Nair|Chowdhury|Banerjee|Patil|Siddiqui|Menon|Gowda"
        ),
    ),
    "NG": NameBook(
        _w("Chukwuemeka Oluwaseun Babatunde Aminu Ifeanyi Adebayo Obinna Usman Tunde Chidi"),
        _w("Ngozi Chiamaka Oluwakemi Aisha Funmilayo Adaeze Hauwa Yetunde Chinwe Folake"),
        _w(
            "Okafor|Adeyemi|Okonkwo|Bello|Abubakar|Eze|Ogunleye|Nwachukwu|Balogun|Olawale"
            "|Adewale|Danjuma|Uchenna|Obi|Akinola|Ibekwe|Oyebanji"
        ),
    ),
    "FR": NameBook(
        _w("François Jean-Luc Hervé Loïc Gaël Thibault Benoît Mathéo Rémi Jérôme Aurélien"),
        _w("Hélène Clémence Noémie Gaëlle Maëlle Océane Solène Françoise Agnès Léa Bérénice"),
        _w(
            "Lefèvre|Dupré|Bénard|Garnier|Rousseau|Lemaître|Fournier|Chevalier|Caron"
            "|Mérieux|Giraud|Béranger|Le Goff|Desmarais|Marchand|Théveneau"
        ),
    ),
    "IT": NameBook(
        _w("Giuseppe Gianluca Niccolò Salvatore Pierpaolo Gennaro Raffaele Ettore Carmine"),
        _w("Giulia Chiara Federica Annunziata Rosalba Ilaria Benedetta Ludovica Carmela"),
        _w(
            "Esposito|D'Angelo|Fumagalli|Lo Russo|Colombo|Santoro|Barbieri|Ferraro"
            "|Cavalieri|De Luca|Rinaldi|Mazzola|Parisi|Galli|Caruso|Testa"
        ),
    ),
    # ---- locales only the test part uses ----
    "NL": NameBook(
        _w("Daan Sander Joost Maarten Pieter Thijs Bram Wouter Sjoerd Koen Jeroen"),
        _w("Sanne Anouk Femke Marloes Ilse Lieke Floortje Marijke Roos Eline Margriet"),
        _w(
            "van der Berg|de Jong|Bakker|Visser|van Dijk|Smit|Meijer|de Vries|Mulder"
            "|van den Broek|Kuipers|Hoekstra|Verhoeven|Brouwer|van 't Hof|Dijkstra"
        ),
    ),
    "IS": NameBook(
        _w("Guðmundur Sigurður Þórður Einar Ólafur Kristján Hafþór Bjarni Ragnar Snorri"),
        _w("Guðrún Þórunn Sigríður Ásdís Hrafnhildur Björk Kolbrún Ragnheiður Jóhanna Eydís"),
        _w("Jóns Guðmundar Sigurðar Einars Ólafs Magnúsar Helga Kristjáns Stefáns Gunnars"),
    ),
    "CZ": NameBook(
        _w("Jiří Petr Tomáš Ondřej Vojtěch Lubomír Radek Bohumil Zdeněk Přemysl Štěpán"),
        _w("Jana Kateřina Lenka Markéta Radka Zdeňka Věra Alžběta Šárka Božena Ludmila"),
        _w(
            "Dvořák|Novák|Svoboda|Černý|Procházka|Kučera|Veselý|Horák|Němec|Pokorný"
            "|Růžička|Beneš|Fiala|Šimek|Doležal"
        ),
        _w(
            "Dvořáková|Nováková|Svobodová|Černá|Procházková|Kučerová|Veselá|Horáková"
            "|Němcová|Pokorná|Růžičková|Benešová|Fialová|Šimková|Doležalová"
        ),
    ),
    "MX": NameBook(
        _w("Luis Alberto|Juan Carlos|Guadalupe|Efraín|Rogelio|Cuauhtémoc|Jesús|Ulises|Óscar"),
        _w("Guadalupe|Itzel|Xóchitl|María Fernanda|Citlali|Yolanda|Araceli|Dulce|Ximena|Noemí"),
        _w(
            "Hernández|Ramírez|Chávez|Juárez|Velázquez|Cervantes|Zúñiga|Méndez|Ortíz"
            "|Tapia|Quintero|Bautista|Espinoza|Galván|Olvera|Rosales"
        ),
    ),
    "VN": NameBook(
        _w("Văn An|Văn Hùng|Minh Tuấn|Quốc Bảo|Đức Thắng|Hữu Phước|Thành Long|Công Vinh"),
        _w("Thị Lan|Thị Hương|Ngọc Ánh|Thu Trang|Bích Ngọc|Thị Mai|Phương Thảo|Kim Oanh"),
        _w("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương"),
        order="family-first",
    ),
    "KR": NameBook(
        _w("Min-jun Seo-jun Ji-hoon Hyun-woo Dong-hyun Jae-won Sung-min Tae-yang"),
        _w("Seo-yeon Ji-woo Soo-ah Ha-eun Min-seo Ye-jin Eun-ji Hye-won"),
        _w("Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Shin Seo Kwon Hwang"),
        order="either",
    ),
    "HU": NameBook(
        _w("Gábor Zoltán László Árpád Botond Levente Csaba Ferenc Tibor Gergő Bence"),
        _w("Zsófia Ildikó Erzsébet Katalin Réka Boglárka Enikő Tünde Orsolya Györgyi"),
        _w("Nagy Kovács Szabó Tóth Horváth Varga Kiss Molnár Németh Farkas Balogh Szőke Fehér"),
        order="either",
    ),
    "KE": NameBook(
        _w("Otieno Kipchoge Mwangi Kamau Odhiambo Kiprono Njoroge Barasa Omondi Mutua"),
        _w("Wanjiru Achieng Nyambura Chebet Wambui Akinyi Njeri Jepkoech Muthoni Awino"),
        _w("Kamau Odhiambo Wekesa Kiptoo Mutiso Ochieng Waweru Chepkemoi Onyango Karanja Owino"),
    ),
    "PT": NameBook(
        _w("Tiago Duarte Gonçalo Rui Nuno Vasco Afonso Joaquim Henrique Simão"),
        _w("Inês Leonor Beatriz Matilde Conceição Fátima Joana Madalena Constança Leonor"),
        _w(
            "Gonçalves|Magalhães|Sequeira|Antunes|Figueiredo|Carvalho|Rebelo|Vasconcelos"
            "|Pinto|Lourenço|Brás|Pacheco|Mourão|Teixeira|Cardoso"
        ),
    ),
}

_POLISH_FEMININE = (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka"))
_DIACRITIC_EXTRAS = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ı": "i"}
)
_LIGATURES = {"ß": "ss", "þ": "th", "Þ": "Th", "æ": "ae", "Æ": "Ae", "œ": "oe"}


def ascii_fold(s: str) -> str:
    """The form a name takes in an e-mail address or a form that refuses diacritics."""
    for k, v in _LIGATURES.items():
        s = s.replace(k, v)
    s = s.translate(_DIACRITIC_EXTRAS)
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class Name:
    given: str
    family: str
    full: str  # as it is written in running text in this culture
    female: bool

    @property
    def western(self) -> str:
        return f"{self.given} {self.family}"


def draw_name(rng: random.Random, country: str) -> Name:
    book = BOOKS[country]
    female = rng.random() < 0.5
    given = rng.choice(book.female if female else book.male)
    if country == "IS":
        family = rng.choice(book.surnames) + ("dóttir" if female else "son")
    elif female and book.surnames_female:
        family = rng.choice(book.surnames_female)
    else:
        family = rng.choice(book.surnames)
    if country == "PL" and female:
        for m, f in _POLISH_FEMININE:
            if family.endswith(m):
                family = family[: -len(m)] + f
    if country in ("ES", "MX") and rng.random() < 0.6:
        second = rng.choice(book.surnames)
        if second != family:
            family = f"{family} {second}"
    if country == "JP" and rng.random() < 0.4:  # romanised without macrons, as most forms do
        given, family = ascii_fold(given), ascii_fold(family)
    if country == "VN" and rng.random() < 0.3:
        given, family = ascii_fold(given), ascii_fold(family)
    family_first = book.order == "family-first" or (book.order == "either" and rng.random() < 0.5)
    full = f"{family} {given}" if family_first else f"{given} {family}"
    return Name(given=given, family=family, full=full, female=female)
