# ruff: noqa: E501  (address books read best one list a line)
"""A second batch of hand-typed address books for the world probe (`world_books` has the first).

Typed on 2026-12-06 after the first batch's fixes, before this batch's first run, in the same
way: each country's street order, unit and district words and postcode shape from general
knowledge, common real streets and towns, fictitious combinations. `HELD_OUT` names the
countries of this batch that are only ever scored.
"""

from __future__ import annotations

from bench.trust.world_books import Book, _w

BOOKS: dict[str, Book] = {
    "ua": Book(
        _w("Oleksandr|Olena|Dmytro|Iryna|Andriy|Natalia|Serhiy|Yulia|Taras|Oksana"),
        _w("Shevchenko|Kovalenko|Bondarenko|Tkachenko|Kravchuk|Melnyk|Boyko|Oliynyk"),
        _w(
            "vul. Khreshchatyk|vul. Shevchenka|prosp. Peremohy|vul. Franka|vul. Sumska|bulv. Lesi Ukrainky"
        ),
        ("Lviv", "Vinnytsia", "Poltava", "Uzhhorod", "Chernihiv", "Ivano-Frankivsk", "Ternopil"),
        "99999",
        street="{s}, {n}",
        line="{street}, {town}, {postcode}",
        block="{street}, kv. 14\n{town}\n{postcode}",
    ),
    "il": Book(
        _w("Noa|Yosef|Tamar|Avi|Shira|Eitan|Maya|Yonatan|Michal|Omer"),
        _w("Cohen|Levi|Mizrahi|Peretz|Biton|Friedman|Avraham|Katz"),
        _w(
            "Rehov Herzl|Rehov Dizengoff|Derech Hashalom|Rehov Jabotinsky|Sderot Rothschild|Rehov Ben Yehuda"
        ),
        ("Haifa", "Netanya", "Herzliya", "Ra'anana", "Rehovot", "Ashdod", "Modiin"),
        "9999999",
        street="{s} {n}",
        line="{street}, {town} {postcode}",
    ),
    "eg": Book(
        _w("Ahmed|Mona|Mohamed|Nour|Omar|Yasmin|Karim|Heba|Tarek|Salma"),
        _w("Hassan|El-Sayed|Abdel Rahman|Mostafa|Farouk|El-Masry|Ibrahim|Soliman"),
        _w(
            "Tahrir Street|El Horreya Road|Abbas El Akkad Street|Gameat El Dewal El Arabeya|El Nasr Road"
        ),
        ("Mansoura", "Tanta", "Zagazig", "Ismailia", "Damietta", "Aswan", "Hurghada"),
        "99999",
        line="{street}, {town} {postcode}, Egypt",
        block="{street}, Apartment 7\n{town} {postcode}\nEgypt",
    ),
    "ma": Book(
        _w("Youssef|Fatima Zahra|Mehdi|Salma|Hamza|Khadija|Anas|Imane|Reda|Soukaina"),
        _w("El Amrani|Benjelloun|Alaoui|Bennani|El Idrissi|Tazi|Berrada|Chraibi"),
        _w(
            "Rue Ibn Batouta|Avenue Mohammed V|Boulevard Zerktouni|Rue Allal Ben Abdellah|Avenue Hassan II"
        ),
        ("Agadir", "Meknès", "Tétouan", "Oujda", "Essaouira", "Kénitra", "El Jadida"),
        "99999",
        street="{n}, {s}",
        line="{street}, {postcode} {town}",
        block="{street}, Appt 3\n{postcode} {town}\nMaroc",
    ),
    "ke": Book(
        _w("Wanjiru|Otieno|Achieng|Kamau|Njeri|Kipchoge|Wambui|Mwangi|Akinyi|Chebet"),
        _w("Odhiambo|Mutua|Kiprono|Wanjala|Njoroge|Omondi|Chege|Karanja"),
        _w(
            "Moi Avenue|Kenyatta Avenue|Ngong Road|Oginga Odinga Street|Kimathi Street|Tom Mboya Street"
        ),
        ("Nakuru", "Eldoret", "Kisumu", "Thika", "Nyeri", "Machakos", "Naivasha"),
        "99999",
        street="{s}, House No. {n}",
        line="P.O. Box {n}-{postcode}, {town}",
        block="{street}\nP.O. Box {n}-{postcode}\n{town}",
    ),
    "gh": Book(
        _w("Kwame|Ama|Kofi|Akosua|Yaw|Abena|Kwabena|Efua|Kojo|Adwoa"),
        _w("Mensah|Asante|Owusu|Boateng|Osei|Appiah|Darko|Agyeman"),
        _w("Oxford Street|Liberation Road|Independence Avenue|Ring Road East|Kojo Thompson Road"),
        ("Kumasi", "Takoradi", "Tamale", "Cape Coast", "Koforidua", "Ho", "Sunyani"),
        "AA-999-9999",
        line="{street}, {town}, GPS {postcode}",
        block="{street}\n{town}\nDigital address: {postcode}",
    ),
    "pk": Book(
        _w("Ayesha|Muhammad|Fatima|Bilal|Zainab|Usman|Hira|Hamza|Sana|Imran"),
        _w("Khan|Qureshi|Butt|Chaudhry|Malik|Siddiqui|Raza|Abbasi"),
        _w("Mall Road|Jinnah Avenue|Shahrah-e-Faisal|Ferozepur Road|University Road|Canal Road"),
        ("Faisalabad", "Sialkot", "Multan", "Gujranwala", "Bahawalpur", "Sukkur", "Abbottabad"),
        "99999",
        street="House {n}, Street 7, {s}",
        line="{street}, {town} {postcode}",
        block="{street}\n{town} {postcode}\nPakistan",
    ),
    "th": Book(
        _w("Somchai|Siriporn|Niran|Kanya|Prasert|Malee|Anan|Pimchanok|Wichai|Ratana"),
        _w("Saetang|Srisuk|Wongsawat|Charoenpol|Thongchai|Boonmee|Kittisak|Rattanakorn"),
        _w("Sukhumvit Road|Rama IV Road|Phahonyothin Road|Charoen Krung Road|Nimmanhaemin Road"),
        ("Chiang Mai", "Khon Kaen", "Hat Yai", "Nakhon Ratchasima", "Udon Thani", "Phitsanulok"),
        "99999",
        street="{n}/7 Moo 3, {s}",
        line="{street}, Tambon Suthep, Amphoe Mueang, {town} {postcode}",
        block="{street}\nTambon Suthep, Amphoe Mueang\n{town} {postcode}",
    ),
    "cn": Book(
        _w("Wei|Fang|Jing|Lei|Min|Yang|Xiuying|Jun|Hui|Tao"),
        _w("Wang|Zhang|Liu|Chen|Yang|Zhao|Huang|Zhou|Wu"),
        _w("Nanjing Road|Jiefang Road|Renmin Road|Zhongshan Road|Huaihai Road|Jianshe Road"),
        ("Suzhou", "Hangzhou", "Chengdu", "Xiamen", "Kunming", "Wuxi", "Ningbo"),
        "999999",
        street="No. {n} {s}",
        line="{street}, {town} {postcode}, China",
        block="Room 1203, No. {postcode} Building\n{street}\n{town}",
        family_first=True,
    ),
    "tw": Book(
        _w("Chia-Hao|Yi-Ting|Chun-Wei|Shu-Fen|Po-Han|Hsin-Yi|Chih-Ming|Mei-Ling"),
        _w("Chen|Lin|Huang|Chang|Lee|Wang|Wu|Liu|Tsai"),
        _w("Zhongxiao East Road|Minsheng Road|Zhongshan North Road|Xinyi Road|Heping East Road"),
        ("Taichung", "Tainan", "Hsinchu", "Kaohsiung", "Taoyuan", "Keelung", "Hualien"),
        "999",
        street="No. {n}, Sec. 2, {s}",
        line="{street}, {town} {postcode}",
        block="{street}, 5F\n{town} {postcode}\nTaiwan",
        family_first=True,
    ),
    "rs": Book(
        _w("Nikola|Jelena|Marko|Milica|Stefan|Ana|Luka|Jovana|Nemanja|Ivana"),
        _w("Jovanović|Petrović|Nikolić|Marković|Đorđević|Stojanović|Ilić|Pavlović"),
        _w("Knez Mihailova|Bulevar kralja Aleksandra|Kralja Petra|Cara Dušana|Nemanjina|Takovska"),
        ("Novi Sad", "Niš", "Kragujevac", "Subotica", "Čačak", "Kraljevo", "Zrenjanin"),
        "99999",
        street="{s} {n}",
        line="{street}, {postcode} {town}",
        block="{street}, stan 5\n{postcode} {town}",
    ),
    "ec": Book(
        _w("María José|Andrés|Gabriela|Diego|Daniela|Santiago|Paola|Esteban|Valeria|Mateo"),
        _w("Zambrano|Vera|Cedeño|Guerrero|Mendoza|Andrade|Villacís|Paredes"),
        _w("Av. Amazonas|Av. 6 de Diciembre|Calle García Moreno|Av. 9 de Octubre|Calle Bolívar"),
        ("Cuenca", "Ambato", "Loja", "Manta", "Riobamba", "Ibarra", "Machala"),
        "999999",
        street="{s} N{n}-45 y Calle Colón",
        line="{street}, {town} {postcode}",
        block="{street}\nEdificio Torres, Piso 4\n{town}",
    ),
    "uy": Book(
        _w("Martina|Federico|Lucía|Nicolás|Florencia|Joaquín|Sofía|Bruno|Camila|Gonzalo"),
        _w("Rodríguez|Pereira|Fernández|Silva|Sosa|Olivera|Cabrera|Techera"),
        _w("Av. 18 de Julio|Bulevar Artigas|Calle Sarandí|Av. Italia|Rambla República de México"),
        ("Salto", "Paysandú", "Maldonado", "Rivera", "Tacuarembó", "Colonia del Sacramento"),
        "99999",
        street="{s} {n}, apto. 302",
        line="{street}, {postcode} {town}",
        block="{street}\nCP {postcode}, {town}",
    ),
    "cr": Book(
        _w("José Pablo|Mariana|Luis Diego|Fabiola|Kevin|Andrea|Esteban|Natalia|Jorge|Melissa"),
        _w("Solano|Vargas|Jiménez|Rojas|Mora|Arias|Chaves|Quesada"),
        _w("Avenida Central|Calle 5|Avenida Segunda|Calle 21|Avenida 10"),
        ("Heredia", "Alajuela", "Cartago", "Liberia", "Puntarenas", "Limón", "Escazú"),
        "99999",
        street="{s}, casa {n}",
        line="{street}, 200 metros norte de la iglesia, {town} {postcode}",
        block="De la iglesia católica 100 m sur y 50 m este, casa {n}\n{town}, {postcode}",
    ),
    "mt": Book(
        _w("Maria|Joseph|Rebecca|Matthew|Nicole|Luke|Kimberley|Christian|Elaine|Andrea"),
        _w("Borg|Camilleri|Vella|Farrugia|Zammit|Galea|Grech|Micallef"),
        _w("Triq ir-Repubblika|Triq il-Kbira|Triq San Pawl|Triq it-Torri|Triq Manwel Dimech"),
        ("Sliema", "Birkirkara", "Mosta", "Qormi", "Żabbar", "Naxxar", "Rabat"),
        "AAA 9999",
        street="{n}, {s}",
        line="{street}, {town} {postcode}",
        block="Flat 4, Sunny Court\n{street}\n{town} {postcode}",
    ),
    "bd": Book(
        _w("Rahim|Nusrat|Tanvir|Farzana|Arif|Sharmin|Mahmud|Taslima|Sabbir|Ruma"),
        _w("Hossain|Rahman|Islam|Chowdhury|Akter|Uddin|Sarkar|Begum"),
        _w("Road 11|Satmasjid Road|Mirpur Road|Airport Road|Station Road|Kazi Nazrul Islam Avenue"),
        ("Chittagong", "Sylhet", "Rajshahi", "Khulna", "Comilla", "Rangpur", "Bogra"),
        "9999",
        street="House {n}, {s}",
        line="{street}, Dhanmondi, {town}-{postcode}",
        block="{street}\nBlock C, Banani\n{town} {postcode}",
    ),
    "ve": Book(
        _w("Luis Alfonso|Génesis|Carlos Eduardo|Yorgelis|José Gregorio|Daniela|Jesús|Marbelys"),
        _w("González|Rodríguez|Pérez|Hernández|Rondón|Briceño|Colmenares|Urdaneta"),
        _w(
            "Av. Francisco de Miranda|Calle Los Mangos|Av. Bolívar|Calle Real de Sabana Grande|Av. Las Delicias"
        ),
        ("Maracaibo", "Valencia", "Barquisimeto", "Mérida", "Maracay", "Puerto La Cruz", "Cumaná"),
        "9999",
        street="{s}, Edificio Torre Sol, piso {n}",
        line="{street}, {town} {postcode}, Estado Zulia",
        block="{street}\nUrbanización La Trinidad\n{town} {postcode}",
    ),
    "al": Book(
        _w("Arben|Elira|Besnik|Jonida|Ermal|Anisa|Gentian|Blerina|Kledi|Dorina"),
        _w("Hoxha|Shehu|Gjoka|Leka|Kola|Dervishi|Basha|Cela"),
        _w("Rruga e Durrësit|Bulevardi Dëshmorët e Kombit|Rruga Myslym Shyri|Rruga Ismail Qemali"),
        ("Shkodër", "Durrës", "Vlorë", "Korçë", "Elbasan", "Berat", "Gjirokastër"),
        "9999",
        street="{s}, Nr. {n}",
        line="{street}, {postcode} {town}",
        block="{street}, Pallati 5, Ap. 12\n{postcode} {town}",
    ),
    "ge": Book(
        _w("Giorgi|Nino|Davit|Tamar|Levan|Mariam|Irakli|Ketevan|Luka|Salome"),
        _w("Beridze|Kapanadze|Gelashvili|Maisuradze|Lomidze|Tsiklauri|Abashidze|Chkheidze"),
        _w(
            "Rustaveli Avenue|Chavchavadze Avenue|Aghmashenebeli Avenue|Pekini Street|Kazbegi Avenue"
        ),
        ("Kutaisi", "Batumi", "Rustavi", "Zugdidi", "Gori", "Telavi", "Poti"),
        "9999",
        street="{n} {s}",
        line="{street}, {town} {postcode}, Georgia",
        block="{street}, apt. 9\n{town} {postcode}",
    ),
}

HELD_OUT: frozenset[str] = frozenset({"bd", "ve", "al", "ge"})
"""This batch's countries only ever scored, chosen before its first run."""
