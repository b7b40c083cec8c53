"""Tables of names, places and identifier formats for the screening data generator.

Curated by hand for `bench/gen_screening.py`; kept apart so the generator reads as logic. Shares
are percentages of the population bearing a name (the generator normalises them); romanisations
are the forms printed on passports, which is what officers copy. Sources: the Ministry of Public
Security's 2019/2020 household-register surname ranking (Chinese surnames), Statistics Korea's
2015 census (Korean surnames), Vietnamese surname surveys (Le Trung Hoa), and the Hong Kong
Immigration Department's and Taiwan's passport romanisation conventions.
"""

from __future__ import annotations

# --- Chinese (mainland, simplified) --------------------------------------------------------

# (surname, toneless pinyin per character, share %). Readings are explicit because several
# surnames read differently from the character's usual reading (曾 zeng, 单 shan, 解 xie).
SURNAMES: tuple[tuple[str, str, float], ...] = (
    ("王", "wang", 7.12),
    ("李", "li", 7.00),
    ("张", "zhang", 6.38),
    ("刘", "liu", 5.33),
    ("陈", "chen", 4.52),
    ("杨", "yang", 3.08),
    ("黄", "huang", 2.08),
    ("赵", "zhao", 2.00),
    ("吴", "wu", 1.86),
    ("周", "zhou", 1.86),
    ("徐", "xu", 1.45),
    ("孙", "sun", 1.38),
    ("马", "ma", 1.29),
    ("朱", "zhu", 1.28),
    ("胡", "hu", 1.16),
    ("郭", "guo", 1.15),
    ("何", "he", 1.06),
    ("林", "lin", 1.02),
    ("高", "gao", 1.00),
    ("罗", "luo", 0.95),
    ("郑", "zheng", 0.87),
    ("梁", "liang", 0.85),
    ("谢", "xie", 0.76),
    ("宋", "song", 0.73),
    ("唐", "tang", 0.73),
    ("许", "xu", 0.67),
    ("韩", "han", 0.65),
    ("冯", "feng", 0.65),
    ("邓", "deng", 0.63),
    ("曹", "cao", 0.62),
    ("彭", "peng", 0.59),
    ("曾", "zeng", 0.58),
    ("肖", "xiao", 0.57),
    ("田", "tian", 0.55),
    ("董", "dong", 0.53),
    ("袁", "yuan", 0.51),
    ("潘", "pan", 0.50),
    ("于", "yu", 0.49),
    ("蒋", "jiang", 0.49),
    ("蔡", "cai", 0.48),
    ("余", "yu", 0.48),
    ("杜", "du", 0.46),
    ("叶", "ye", 0.45),
    ("程", "cheng", 0.45),
    ("苏", "su", 0.43),
    ("魏", "wei", 0.43),
    ("吕", "lv", 0.42),
    ("丁", "ding", 0.42),
    ("任", "ren", 0.41),
    ("沈", "shen", 0.40),
    ("姚", "yao", 0.39),
    ("卢", "lu", 0.38),
    ("姜", "jiang", 0.37),
    ("崔", "cui", 0.36),
    ("钟", "zhong", 0.35),
    ("谭", "tan", 0.35),
    ("陆", "lu", 0.34),
    ("汪", "wang", 0.33),
    ("范", "fan", 0.33),
    ("金", "jin", 0.32),
    ("石", "shi", 0.31),
    ("廖", "liao", 0.30),
    ("贾", "jia", 0.30),
    ("夏", "xia", 0.29),
    ("韦", "wei", 0.29),
    ("付", "fu", 0.28),
    ("方", "fang", 0.28),
    ("白", "bai", 0.27),
    ("邹", "zou", 0.27),
    ("孟", "meng", 0.26),
    ("熊", "xiong", 0.26),
    ("秦", "qin", 0.25),
    ("邱", "qiu", 0.25),
    ("江", "jiang", 0.24),
    ("尹", "yin", 0.24),
    ("薛", "xue", 0.23),
    ("闫", "yan", 0.23),
    ("段", "duan", 0.22),
    ("雷", "lei", 0.22),
    ("侯", "hou", 0.21),
    ("龙", "long", 0.21),
    ("史", "shi", 0.21),
    ("陶", "tao", 0.20),
    ("黎", "li", 0.20),
    ("贺", "he", 0.20),
    ("顾", "gu", 0.19),
    ("毛", "mao", 0.19),
    ("郝", "hao", 0.19),
    ("龚", "gong", 0.18),
    ("邵", "shao", 0.18),
    ("万", "wan", 0.18),
    ("钱", "qian", 0.17),
    ("严", "yan", 0.17),
    ("覃", "qin", 0.17),
    ("武", "wu", 0.17),
    ("戴", "dai", 0.16),
    ("莫", "mo", 0.16),
    ("孔", "kong", 0.16),
    ("向", "xiang", 0.16),
    ("汤", "tang", 0.15),
    ("常", "chang", 0.15),
    ("傅", "fu", 0.14),
    ("章", "zhang", 0.10),
    ("单", "shan", 0.08),
    ("萧", "xiao", 0.06),
    ("欧阳", "ou yang", 0.05),
    ("司徒", "si tu", 0.012),
    ("上官", "shang guan", 0.006),
    ("司马", "si ma", 0.006),
    ("诸葛", "zhu ge", 0.005),
    ("皇甫", "huang fu", 0.004),
    ("东方", "dong fang", 0.002),
    ("慕容", "mu rong", 0.001),
    ("令狐", "ling hu", 0.001),
)

# The commonest full given names (MPS 2019 name report: 伟, 芳, 娜, 秀英, 敏 ... top the list),
# with relative weights: drawn as a whole they produce the namesakes (张伟, 王芳, 李娜) that make
# screening hard.
TOP_GIVEN_MALE: tuple[tuple[str, float], ...] = (
    ("伟", 10.0),
    ("强", 6.0),
    ("磊", 5.5),
    ("军", 5.5),
    ("洋", 5.0),
    ("勇", 5.0),
    ("杰", 4.5),
    ("涛", 4.5),
    ("明", 4.0),
    ("超", 4.0),
    ("刚", 3.5),
    ("平", 3.0),
    ("辉", 3.0),
    ("鹏", 3.0),
    ("华", 3.0),
    ("飞", 2.5),
    ("鑫", 2.5),
    ("波", 2.5),
    ("斌", 2.5),
    ("宇", 2.5),
    ("浩", 2.0),
    ("凯", 2.0),
    ("健", 2.0),
    ("俊", 2.0),
    ("建华", 2.0),
    ("建国", 1.5),
    ("志强", 1.5),
    ("国强", 1.5),
)
TOP_GIVEN_FEMALE: tuple[tuple[str, float], ...] = (
    ("芳", 9.0),
    ("娜", 8.0),
    ("秀英", 7.0),
    ("敏", 6.5),
    ("静", 6.5),
    ("丽", 6.0),
    ("艳", 5.0),
    ("娟", 4.5),
    ("霞", 4.0),
    ("秀兰", 4.0),
    ("桂英", 3.5),
    ("玲", 3.5),
    ("婷", 3.5),
    ("雪", 3.0),
    ("琳", 3.0),
    ("燕", 3.0),
    ("红", 3.0),
    ("丹", 2.5),
    ("萍", 2.5),
    ("慧", 2.5),
    ("莉", 2.0),
    ("颖", 2.0),
    ("倩", 2.0),
    ("洁", 2.0),
    ("玉兰", 2.0),
    ("桂兰", 1.5),
    ("秀珍", 1.5),
    ("凤英", 1.5),
)

# Characters for composed given names, by sex and by generation (names chosen before 1980 and
# after differ visibly: 建国, 秀兰 against 子轩, 梓涵). Characters whose usual reading is not
# their reading in names (长, 乐, 朝, 行) are left out so the pinyin the generator derives is right.
GIVEN_CHARS_MALE_OLD = (
    "国建华志明永德文军海金春兵利庆福贵荣成忠新平林清宝祥胜光学生振富树根开友全玉伟刚强勇"
)
GIVEN_CHARS_MALE_NEW = (
    "子浩宇轩博文俊泽睿一杰明晨嘉翔鹏宏昊辰天毅然皓逸凯哲宁豪思航远奕诚铭瑞鑫森彬磊阳峰宸凡锦煜家梓"
)
GIVEN_CHARS_FEMALE_OLD = "秀英兰桂芳玉珍凤华红霞梅丽琴云莲翠萍燕玲淑美春金月素彩爱娟荣琼"
GIVEN_CHARS_FEMALE_NEW = (
    "欣怡雨梓涵诗思佳悦可馨婷雪琪萱晨妍语嘉静颖梦瑶雅璐菲倩丹蕾紫晓露洁琳慧敏娜冰莹"
)

# Further common name characters: together with the pools above they form the homophone groups
# (characters sharing a toneless pinyin) from which a name "typed by ear" is drawn.
HOMOPHONE_EXTRA = (
    "维卫薇巍威方纳力立利莉俐黎晶京敬婧靖菁民珉君钧峻骏捷婕蔷蕾杨扬韬桃鸣茗桦骅鸿洪虹弘屏钢纲咏"
    "泳彦雁研岩颜侠修瑛盈岚蓝澜玫凌灵龄麟柏惠晖徽卉锋丰枫凤朋妃新心昕羽瑜钰毓豪庭廷亭霆珈臣琛斯"
    "学剑坚键丽礼芬云芸耘允韵匀晓小孝笑霄萧潇玉育郁誉裕浩皓灏好东冬栋董涛陶海楠南男凯恺铠开伦仑"
    "振震珍真贞祯桢庆青清晴卿擎倩茜芊谦乾骞秋邱裘"
)

# Real county-level administrative codes (GB/T 2260) that begin resident IDs, weighted towards
# the Yangtze River Delta and Beijing-Tianjin-Hebei where the demo's agencies sit. All appear in
# python-stdnum's table of codes (stdnum/cn/loc.dat).
REGION_CODES: tuple[tuple[str, float], ...] = (
    # Shanghai
    ("310101", 3.0), ("310104", 3.0), ("310105", 2.0), ("310106", 2.0), ("310107", 2.0),
    ("310109", 2.0), ("310110", 2.5), ("310112", 2.5), ("310113", 2.0), ("310115", 4.0),
    # Jiangsu
    ("320102", 1.5), ("320104", 1.5), ("320105", 1.0), ("320106", 1.5), ("320211", 1.0),
    ("320281", 1.0), ("320282", 1.0), ("320303", 1.0), ("320402", 1.0), ("320505", 1.0),
    ("320581", 1.0), ("320582", 1.0), ("320583", 1.5), ("320585", 0.5), ("320602", 1.0),
    ("320703", 0.5), ("320803", 0.5), ("320902", 0.5), ("321002", 0.5), ("321102", 0.5),
    ("321202", 0.5), ("321302", 0.5),
    # Zhejiang
    ("330102", 1.5), ("330105", 1.0), ("330106", 1.5), ("330108", 1.0), ("330110", 1.0),
    ("330122", 0.5), ("330203", 1.0), ("330281", 0.5), ("330282", 0.5), ("330302", 1.0),
    ("330381", 0.5), ("330382", 0.5), ("330402", 0.5), ("330481", 0.5), ("330502", 0.5),
    ("330602", 0.5), ("330702", 0.5), ("330782", 1.0), ("330783", 0.5), ("330802", 0.3),
    ("330902", 0.3), ("331002", 0.5), ("331081", 0.5), ("331102", 0.3),
    # Anhui
    ("340102", 1.0), ("340103", 1.0), ("340104", 1.0), ("340111", 1.0), ("340121", 0.5),
    ("340202", 0.5), ("340302", 0.5), ("340403", 0.5), ("340503", 0.3), ("340602", 0.3),
    ("340802", 0.5), ("341002", 0.3), ("341102", 0.3), ("341202", 0.8), ("341302", 0.5),
    ("341502", 0.5), ("341602", 0.5), ("341702", 0.3), ("341802", 0.3),
    # Beijing, Tianjin, Hebei
    ("110101", 2.0), ("110102", 2.0), ("110105", 3.0), ("110106", 2.0), ("110107", 1.0),
    ("110108", 3.0), ("120101", 1.5), ("120102", 1.0), ("120103", 1.0), ("120104", 1.5),
    ("120105", 1.0), ("130102", 1.0), ("130104", 1.0), ("130105", 0.5), ("130181", 0.3),
    ("130602", 0.5), ("131102", 0.3),
    # elsewhere: migrants from every province work in the delta
    ("370102", 0.8), ("370103", 0.5), ("410102", 1.0), ("410105", 1.0), ("420102", 0.8),
    ("420106", 0.8), ("430102", 0.5), ("430104", 0.5), ("430121", 0.5), ("440103", 0.5),
    ("440104", 0.5), ("440106", 0.5), ("440303", 0.5), ("440304", 0.5), ("440305", 0.5),
    ("450102", 0.3), ("500103", 0.8), ("510104", 0.8), ("510107", 0.8), ("510121", 0.5),
    ("350102", 0.5), ("350203", 0.5), ("360102", 0.5), ("360121", 0.5), ("210102", 0.5),
    ("220102", 0.3), ("230102", 0.3), ("610103", 0.5), ("610113", 0.5), ("620102", 0.3),
    ("530102", 0.3), ("520102", 0.3), ("140105", 0.3), ("150102", 0.2),
)  # fmt: skip

# --- Hong Kong and Taiwan (traditional characters, passport romanisations) -------------------

# (traditional surname, Hong Kong romanisation (Cantonese), share within Hong Kong %)
HK_SURNAMES: tuple[tuple[str, str, float], ...] = (
    ("陳", "CHAN", 9.0), ("李", "LEE", 6.0), ("張", "CHEUNG", 4.5), ("黃", "WONG", 5.0),
    ("王", "WONG", 2.0), ("林", "LAM", 3.0), ("劉", "LAU", 3.0), ("吳", "NG", 2.5),
    ("梁", "LEUNG", 3.0), ("何", "HO", 2.5), ("鄭", "CHENG", 2.0), ("楊", "YEUNG", 1.5),
    ("周", "CHOW", 1.5), ("蔡", "CHOI", 1.2), ("許", "HUI", 1.2), ("郭", "KWOK", 1.2),
    ("謝", "TSE", 1.2), ("麥", "MAK", 1.0), ("馬", "MA", 1.0), ("羅", "LAW", 1.2),
    ("朱", "CHU", 1.0), ("胡", "WU", 0.8), ("曾", "TSANG", 1.2), ("鄧", "TANG", 1.2),
    ("葉", "YIP", 1.0), ("余", "YU", 0.8), ("蘇", "SO", 0.8), ("盧", "LO", 0.8),
    ("譚", "TAM", 1.0), ("鍾", "CHUNG", 0.8), ("陸", "LUK", 0.5), ("孫", "SUEN", 0.5),
    ("潘", "POON", 0.8), ("袁", "YUEN", 0.6), ("馮", "FUNG", 0.8), ("莫", "MOK", 0.6),
    ("溫", "WAN", 0.5), ("文", "MAN", 0.5), ("方", "FONG", 0.5), ("彭", "PANG", 0.5),
    ("江", "KONG", 0.4), ("徐", "TSUI", 0.5), ("廖", "LIU", 0.4), ("關", "KWAN", 0.4),
    ("石", "SHEK", 0.3), ("姚", "YIU", 0.3), ("崔", "CHUI", 0.3), ("韋", "WAI", 0.2),
)  # fmt: skip

# (traditional character, Hong Kong romanisation) for given names
HK_GIVEN: tuple[tuple[str, str], ...] = (
    ("大", "TAI"), ("文", "MAN"), ("志", "CHI"), ("偉", "WAI"), ("明", "MING"), ("華", "WAH"),
    ("強", "KEUNG"), ("國", "KWOK"), ("家", "KA"), ("俊", "CHUN"), ("嘉", "KA"), ("詠", "WING"),
    ("欣", "YAN"), ("美", "MEI"), ("玲", "LING"), ("麗", "LAI"), ("芳", "FONG"), ("婷", "TING"),
    ("敏", "MAN"), ("慧", "WAI"), ("儀", "YEE"), ("思", "SZE"), ("恩", "YAN"), ("子", "TSZ"),
    ("浩", "HO"), ("健", "KIN"), ("輝", "FAI"), ("雄", "HUNG"), ("榮", "WING"), ("德", "TAK"),
    ("成", "SING"), ("光", "KWONG"), ("永", "WING"), ("建", "KIN"), ("天", "TIN"), ("宇", "YU"),
    ("軒", "HIN"), ("晴", "CHING"), ("穎", "WING"), ("琳", "LAM"), ("珊", "SHAN"), ("秀", "SAU"),
    ("英", "YING"), ("卓", "CHEUK"), ("智", "CHI"), ("耀", "YIU"), ("彬", "PAN"), ("詩", "SZE"),
    ("雅", "NGA"), ("寶", "PO"), ("淑", "SUK"), ("佩", "PUI"), ("碧", "PIK"), ("鳳", "FUNG"),
    ("蓮", "LIN"), ("珍", "CHUN"), ("玉", "YUK"), ("達", "TAT"), ("昌", "CHEONG"), ("基", "KEI"),
)  # fmt: skip

# (traditional surname, Wade-Giles as on Taiwanese passports, share within Taiwan %)
TW_SURNAMES: tuple[tuple[str, str, float], ...] = (
    ("陳", "CHEN", 11.1), ("林", "LIN", 8.3), ("黃", "HUANG", 6.0), ("張", "CHANG", 5.3),
    ("李", "LI", 5.1), ("王", "WANG", 4.1), ("吳", "WU", 4.0), ("劉", "LIU", 3.2),
    ("蔡", "TSAI", 2.9), ("楊", "YANG", 2.6), ("許", "HSU", 2.3), ("鄭", "CHENG", 1.9),
    ("謝", "HSIEH", 1.8), ("洪", "HUNG", 1.5), ("郭", "KUO", 1.5), ("邱", "CHIU", 1.5),
    ("曾", "TSENG", 1.4), ("廖", "LIAO", 1.3), ("賴", "LAI", 1.3), ("徐", "HSU", 1.3),
    ("周", "CHOU", 1.2), ("葉", "YEH", 1.2), ("蘇", "SU", 1.1), ("莊", "CHUANG", 0.9),
    ("呂", "LU", 0.9), ("江", "CHIANG", 0.9), ("何", "HO", 0.8), ("蕭", "HSIAO", 0.8),
    ("羅", "LO", 0.8), ("高", "KAO", 0.8), ("潘", "PAN", 0.6), ("簡", "CHIEN", 0.6),
    ("朱", "CHU", 0.6), ("鍾", "CHUNG", 0.6), ("彭", "PENG", 0.6), ("游", "YU", 0.5),
    ("詹", "CHAN", 0.5), ("胡", "HU", 0.5), ("施", "SHIH", 0.5), ("沈", "SHEN", 0.5),
    ("趙", "CHAO", 0.4), ("盧", "LU", 0.4), ("梁", "LIANG", 0.4), ("顏", "YEN", 0.4),
    ("柯", "KO", 0.4), ("孫", "SUN", 0.3), ("魏", "WEI", 0.3), ("翁", "WENG", 0.3),
    ("戴", "TAI", 0.3), ("范", "FAN", 0.3), ("宋", "SUNG", 0.3), ("方", "FANG", 0.3),
    ("鄧", "TENG", 0.3), ("杜", "TU", 0.3), ("傅", "FU", 0.3), ("侯", "HOU", 0.3),
    ("曹", "TSAO", 0.3),
)  # fmt: skip

# (traditional character, Wade-Giles as on Taiwanese passports) for given names
TW_GIVEN: tuple[tuple[str, str], ...] = (
    ("偉", "WEI"), ("婷", "TING"), ("志", "CHIH"), ("明", "MING"), ("文", "WEN"), ("華", "HUA"),
    ("建", "CHIEN"), ("宏", "HUNG"), ("俊", "CHUN"), ("傑", "CHIEH"), ("家", "CHIA"),
    ("豪", "HAO"), ("冠", "KUAN"), ("宇", "YU"), ("承", "CHENG"), ("翰", "HAN"), ("怡", "YI"),
    ("君", "CHUN"), ("雅", "YA"), ("淑", "SHU"), ("芬", "FEN"), ("美", "MEI"), ("玲", "LING"),
    ("惠", "HUI"), ("慧", "HUI"), ("佩", "PEI"), ("欣", "HSIN"), ("宜", "YI"), ("靜", "CHING"),
    ("秀", "HSIU"), ("雯", "WEN"), ("筱", "HSIAO"), ("嘉", "CHIA"), ("信", "HSIN"),
    ("宗", "TSUNG"), ("政", "CHENG"), ("德", "TE"), ("國", "KUO"), ("振", "CHEN"),
    ("榮", "JUNG"), ("正", "CHENG"), ("彥", "YEN"), ("哲", "CHE"), ("瑋", "WEI"), ("庭", "TING"),
    ("思", "SSU"), ("穎", "YING"), ("琪", "CHI"), ("儀", "YI"), ("柏", "PO"), ("仁", "JEN"),
    ("育", "YU"), ("誠", "CHENG"), ("凱", "KAI"), ("威", "WEI"), ("安", "AN"), ("智", "CHIH"),
    ("玉", "YU"), ("麗", "LI"), ("珍", "CHEN"), ("月", "YUEH"), ("春", "CHUN"), ("英", "YING"),
)  # fmt: skip

# --- Vietnam ---------------------------------------------------------------------------------

VN_SURNAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38.4), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 3.0),
    ("Huỳnh", 2.1), ("Phan", 4.5), ("Vũ", 2.0), ("Võ", 1.9), ("Đặng", 2.1), ("Bùi", 2.0),
    ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.6),
    ("Trương", 0.6), ("Mai", 0.4), ("Lương", 0.4),
)  # fmt: skip
VN_MIDDLE_MALE = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công", "Xuân", "Ngọc")
VN_MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Minh", "Hồng")
VN_GIVEN_MALE = (
    "Hùng", "Dũng", "Tuấn", "Hải", "Long", "Nam", "Cường", "Thắng", "Sơn", "Bình", "Khánh",
    "Huy", "Quân", "Phúc", "Trung", "Tùng", "Hiếu", "Đạt", "Thành", "Vinh", "Đức", "Toàn",
)  # fmt: skip
VN_GIVEN_FEMALE = (
    "Hương", "Lan", "Linh", "Mai", "Hoa", "Thảo", "Trang", "Huyền", "Phương", "Thủy", "Hà",
    "Ngân", "Hằng", "Nhung", "Yến", "Loan", "Dung", "Vy", "Anh", "Tuyết", "Oanh", "Giang",
)  # fmt: skip

# --- Korea -----------------------------------------------------------------------------------

# (Hangul, passport romanisations with the commonest first, share %)
KR_SURNAMES: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("김", ("KIM", "GIM"), 21.5),
    ("이", ("LEE", "YI", "RHEE", "LI"), 14.7),
    ("박", ("PARK", "PAK", "BAK"), 8.4),
    ("최", ("CHOI", "CHOE"), 4.7),
    ("정", ("JUNG", "JEONG", "CHUNG"), 4.3),
    ("강", ("KANG", "GANG"), 2.3),
    ("조", ("CHO", "JO"), 2.1),
    ("윤", ("YOON", "YUN"), 2.1),
    ("장", ("JANG", "CHANG"), 2.0),
    ("임", ("LIM", "IM", "YIM"), 1.7),
    ("한", ("HAN",), 1.5),
    ("오", ("OH", "O"), 1.5),
    ("서", ("SEO", "SUH"), 1.5),
    ("신", ("SHIN", "SIN"), 1.5),
    ("권", ("KWON", "GWON"), 1.4),
    ("황", ("HWANG",), 1.4),
    ("안", ("AHN", "AN"), 1.3),
    ("송", ("SONG",), 1.3),
    ("류", ("RYU", "YOO", "YU"), 1.1),
    ("홍", ("HONG",), 1.1),
)
# (Hangul given name, passport romanisation by syllable)
KR_GIVEN_MALE: tuple[tuple[str, tuple[str, str]], ...] = (
    ("민준", ("MIN", "JUN")), ("서준", ("SEO", "JUN")), ("도윤", ("DO", "YUN")),
    ("예준", ("YE", "JUN")), ("시우", ("SI", "WOO")), ("하준", ("HA", "JUN")),
    ("지호", ("JI", "HO")), ("지훈", ("JI", "HOON")), ("현우", ("HYUN", "WOO")),
    ("동현", ("DONG", "HYUN")), ("성민", ("SUNG", "MIN")), ("준호", ("JUN", "HO")),
    ("상우", ("SANG", "WOO")), ("정호", ("JUNG", "HO")), ("영수", ("YOUNG", "SOO")),
    ("철수", ("CHUL", "SOO")), ("민수", ("MIN", "SU")), ("재현", ("JAE", "HYUN")),
    ("승민", ("SEUNG", "MIN")), ("태현", ("TAE", "HYUN")),
)  # fmt: skip
KR_GIVEN_FEMALE: tuple[tuple[str, tuple[str, str]], ...] = (
    ("서연", ("SEO", "YEON")), ("서윤", ("SEO", "YUN")), ("지우", ("JI", "WOO")),
    ("하은", ("HA", "EUN")), ("민서", ("MIN", "SEO")), ("지민", ("JI", "MIN")),
    ("수진", ("SU", "JIN")), ("영희", ("YOUNG", "HEE")), ("은지", ("EUN", "JI")),
    ("혜진", ("HYE", "JIN")), ("미영", ("MI", "YOUNG")), ("지영", ("JI", "YOUNG")),
    ("예진", ("YE", "JIN")), ("수빈", ("SU", "BIN")), ("유진", ("YU", "JIN")),
    ("민지", ("MIN", "JI")), ("지현", ("JI", "HYUN")), ("소연", ("SO", "YEON")),
    ("은영", ("EUN", "YOUNG")), ("현정", ("HYUN", "JUNG")),
)  # fmt: skip

# --- Japan -----------------------------------------------------------------------------------

# (kanji, passport Hepburn, other spellings seen on passports (long vowels as OH/OU), share %)
JP_SURNAMES: tuple[tuple[str, str, tuple[str, ...], float], ...] = (
    ("佐藤", "SATO", ("SATOH", "SATOU"), 1.5), ("鈴木", "SUZUKI", (), 1.4),
    ("高橋", "TAKAHASHI", (), 1.1), ("田中", "TANAKA", (), 1.0),
    ("伊藤", "ITO", ("ITOH", "ITOU"), 0.9), ("渡辺", "WATANABE", (), 0.9),
    ("山本", "YAMAMOTO", (), 0.9), ("中村", "NAKAMURA", (), 0.8),
    ("小林", "KOBAYASHI", (), 0.8), ("加藤", "KATO", ("KATOH", "KATOU"), 0.7),
    ("吉田", "YOSHIDA", (), 0.7), ("山田", "YAMADA", (), 0.7), ("佐々木", "SASAKI", (), 0.6),
    ("山口", "YAMAGUCHI", (), 0.5), ("松本", "MATSUMOTO", (), 0.5), ("井上", "INOUE", (), 0.5),
    ("木村", "KIMURA", (), 0.5), ("林", "HAYASHI", (), 0.4), ("斎藤", "SAITO", ("SAITOH",), 0.4),
    ("清水", "SHIMIZU", (), 0.4), ("山崎", "YAMAZAKI", (), 0.4), ("森", "MORI", (), 0.4),
    ("池田", "IKEDA", (), 0.4), ("橋本", "HASHIMOTO", (), 0.4), ("阿部", "ABE", (), 0.4),
    ("石川", "ISHIKAWA", (), 0.3), ("山下", "YAMASHITA", (), 0.3), ("中島", "NAKAJIMA", (), 0.3),
    ("石井", "ISHII", (), 0.3), ("小川", "OGAWA", (), 0.3), ("前田", "MAEDA", (), 0.3),
    ("岡田", "OKADA", (), 0.3), ("長谷川", "HASEGAWA", (), 0.3), ("藤田", "FUJITA", (), 0.3),
    ("後藤", "GOTO", ("GOTOH",), 0.3), ("近藤", "KONDO", ("KONDOH",), 0.3),
    ("村上", "MURAKAMI", (), 0.3), ("遠藤", "ENDO", ("ENDOH",), 0.3), ("青木", "AOKI", (), 0.3),
    ("坂本", "SAKAMOTO", (), 0.3), ("太田", "OTA", ("OHTA",), 0.2), ("大野", "ONO", ("OHNO",), 0.2),
)  # fmt: skip
JP_GIVEN_MALE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("太郎", "TARO", ("TAROH",)), ("一郎", "ICHIRO", ("ICHIROH",)), ("健太", "KENTA", ()),
    ("翔太", "SHOTA", ("SHOHTA",)), ("大輔", "DAISUKE", ()), ("拓也", "TAKUYA", ()),
    ("直樹", "NAOKI", ()), ("健一", "KENICHI", ()), ("浩", "HIROSHI", ()), ("隆", "TAKASHI", ()),
    ("誠", "MAKOTO", ()), ("大樹", "DAIKI", ()), ("悠斗", "YUTO", ("YUUTO",)), ("蓮", "REN", ()),
    ("陽翔", "HARUTO", ()), ("和也", "KAZUYA", ()), ("達也", "TATSUYA", ()), ("修", "OSAMU", ()),
    ("茂", "SHIGERU", ()), ("清", "KIYOSHI", ()),
)  # fmt: skip
JP_GIVEN_FEMALE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("花子", "HANAKO", ()), ("陽子", "YOKO", ("YOHKO",)), ("恵子", "KEIKO", ()),
    ("幸子", "SACHIKO", ()), ("優子", "YUKO", ("YUUKO",)), ("久美子", "KUMIKO", ()),
    ("真由美", "MAYUMI", ()), ("由美子", "YUMIKO", ()), ("美穂", "MIHO", ()), ("愛", "AI", ()),
    ("彩", "AYA", ()), ("結衣", "YUI", ()), ("陽菜", "HINA", ()), ("美咲", "MISAKI", ()),
    ("葵", "AOI", ()), ("明美", "AKEMI", ()), ("直美", "NAOMI", ()), ("智子", "TOMOKO", ()),
    ("京子", "KYOKO", ("KYOHKO",)), ("麻衣", "MAI", ()),
)  # fmt: skip

# --- Thailand, Cambodia, Laos, Myanmar (passport Latin forms) --------------------------------

TH_GIVEN_MALE = (
    "SOMCHAI", "SOMSAK", "SOMPONG", "WICHAI", "PRASERT", "SURACHAI", "ANAN", "NATTAPONG",
    "KITTISAK", "CHAIWAT", "THANAKORN", "PORNCHAI", "SAKCHAI", "APICHART",
)  # fmt: skip
TH_GIVEN_FEMALE = (
    "SUPAPORN", "MALEE", "SOMYING", "KANYA", "WARAPORN", "SIRIPORN", "NITTAYA", "PATCHARIN",
    "ARUNEE", "RATANA", "JINTANA", "WANIDA",
)  # fmt: skip
TH_SURNAMES = (
    "JAIDEE", "RAKTHAI", "SRISUK", "SUKSAWAT", "SAENGTHONG", "BOONMA", "THONGDEE", "WONGSAWAT",
    "PHETCHARAT", "CHANPEN", "SRISOMBAT", "KAEWMANEE", "INTHARAPHAN", "CHAROENSUK", "PHROMMA",
    "SANGKHAPHAN",
)  # fmt: skip
KH_SURNAMES = (
    "SOK", "CHAN", "HENG", "KIM", "LIM", "SENG", "CHEA", "LY", "MEAS", "NHEK", "OUK", "PEN",
    "SAM", "TEP", "YIM",
)  # fmt: skip
KH_GIVEN_MALE = ("DARA", "VANNA", "SOKHA", "RATHA", "PISETH", "VIBOL", "SOPHAL", "KOSAL", "RITHY")
KH_GIVEN_FEMALE = (
    "SOPHEA", "CHANTHA", "SREYMOM", "SOPHEAP", "BOPHA", "CHANNARY", "SREYNEANG", "SOKUNTHEA",
)  # fmt: skip
LA_SURNAMES = (
    "PHOMMAVONG", "SISAVATH", "KEOMANY", "VONGSAVANH", "SOUVANNAVONG", "INTHAVONG",
    "PHANTHAVONG", "SAYASITH", "KHAMVONGSA", "CHANTHAVONG", "LUANGLATH", "SENGSOULIN",
)  # fmt: skip
LA_GIVEN_MALE = ("SOMPHONE", "BOUNMY", "KHAMPHOUI", "SOUKSAVANH", "PHOUTHONE", "SENGPHET", "VANSY")
LA_GIVEN_FEMALE = (
    "VILAYVANH", "KHAMSING", "BOUASONE", "LATDAVONE", "CHANSAMONE", "MANIVONE", "PHETSAMONE",
)  # fmt: skip
# Burmese names have no surname: two or three syllables, each written as a word.
MM_SYLLABLES_MALE = (
    "AUNG", "KYAW", "MIN", "HTET", "ZAW", "MYINT", "THANT", "TUN", "WIN", "HLA", "NAING", "OO",
    "SAN", "THEIN", "SOE", "LWIN", "PHYO", "YE", "WAI", "THU",
)  # fmt: skip
MM_SYLLABLES_FEMALE = (
    "SU", "NYEIN", "THIDA", "KHIN", "MYA", "AYE", "MOE", "THIRI", "HNIN", "EI", "PHYU", "SANDAR",
    "WAH", "YADANAR", "MAY", "ZIN",
)  # fmt: skip

# --- Western names and their standard Chinese transliterations (Xinhua) -----------------------

WEST_GIVEN_MALE: tuple[tuple[str, str], ...] = (
    ("JOHN", "约翰"), ("JAMES", "詹姆斯"), ("MICHAEL", "迈克尔"), ("DAVID", "大卫"),
    ("ROBERT", "罗伯特"), ("WILLIAM", "威廉"), ("THOMAS", "托马斯"), ("PETER", "彼得"),
    ("PAUL", "保罗"), ("MARK", "马克"), ("DANIEL", "丹尼尔"), ("RICHARD", "理查德"),
    ("GEORGE", "乔治"), ("ALEXANDER", "亚历山大"), ("IVAN", "伊万"), ("SERGEI", "谢尔盖"),
    ("HANS", "汉斯"), ("PIERRE", "皮埃尔"), ("MARCO", "马可"), ("CARLOS", "卡洛斯"),
)  # fmt: skip
WEST_GIVEN_FEMALE: tuple[tuple[str, str], ...] = (
    ("ANNA", "安娜"), ("MARIA", "玛丽亚"), ("MARY", "玛丽"), ("ELIZABETH", "伊丽莎白"),
    ("SARAH", "莎拉"), ("EMMA", "艾玛"), ("ANNE", "安妮"), ("LAURA", "劳拉"), ("JULIA", "朱莉娅"),
    ("NATALIA", "娜塔莉亚"), ("SOPHIE", "索菲"), ("LINDA", "琳达"),
)  # fmt: skip
WEST_SURNAMES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("SMITH", "史密斯", ("US", "GB", "AU", "CA")), ("JOHNSON", "约翰逊", ("US", "GB")),
    ("BROWN", "布朗", ("US", "GB", "AU", "CA")), ("WILLIAMS", "威廉姆斯", ("US", "GB", "AU")),
    ("JONES", "琼斯", ("US", "GB", "AU")), ("MILLER", "米勒", ("US", "CA")),
    ("DAVIS", "戴维斯", ("US",)), ("WILSON", "威尔逊", ("US", "GB", "AU", "CA")),
    ("TAYLOR", "泰勒", ("GB", "US", "AU")), ("ANDERSON", "安德森", ("US", "CA")),
    ("WHITE", "怀特", ("US", "GB")), ("MARTIN", "马丁", ("US", "GB", "FR")),
    ("CLARK", "克拉克", ("US", "GB")), ("WALKER", "沃克", ("US", "GB", "AU")),
    ("MULLER", "穆勒", ("DE",)), ("SCHMIDT", "施密特", ("DE",)), ("IVANOV", "伊万诺夫", ("RU",)),
    ("PETROV", "彼得罗夫", ("RU",)), ("DUBOIS", "杜波依斯", ("FR",)), ("ROSSI", "罗西", ("IT",)),
    ("GARCIA", "加西亚", ("ES",)), ("MARTINEZ", "马丁内斯", ("ES",)),
)  # fmt: skip

# --- identifiers -----------------------------------------------------------------------------

# Passport number shapes by issuing country: "A" a capital letter, "9" a digit, literal letters
# as themselves (ICAO 9303 allows up to 9 characters).
PASSPORT_SHAPES: dict[str, tuple[str, ...]] = {
    "CN": ("E99999999", "EA9999999", "G99999999"),
    "HK": ("K99999999", "H99999999"),
    "TW": ("399999999",),
    "VN": ("C9999999", "B9999999", "N9999999"),
    "KR": ("M99999999",),
    "JP": ("TK9999999", "TR9999999", "MZ9999999"),
    "TH": ("AA9999999", "AB9999999"),
    "KH": ("N99999999",),
    "LA": ("P9999999",),
    "MM": ("MA999999", "MC999999"),
    "US": ("599999999",),
    "GB": ("599999999",),
    "AU": ("PA9999999",),
    "CA": ("AA999999",),
    "DE": ("C9AAA9AA9",),
    "FR": ("99AA99999",),
    "RU": ("759999999",),
    "IT": ("YA9999999",),
    "ES": ("PAA999999",),
}

# Province characters on number plates and their pinyin as typed on a Latin keyboard; weights
# favour the provinces whose police use the demo. Several share a pinyin (津/晋 JIN, 冀/吉 JI,
# 豫/渝 YU, 甘/赣 GAN, 桂/贵 GUI): a plate typed in pinyin can be ambiguous, as in life.
PLATE_PROVINCES: tuple[tuple[str, str, float], ...] = (
    ("沪", "HU", 18.0), ("苏", "SU", 16.0), ("浙", "ZHE", 15.0), ("皖", "WAN", 8.0),
    ("京", "JING", 10.0), ("津", "JIN", 5.0), ("冀", "JI", 6.0), ("鲁", "LU", 3.0),
    ("豫", "YU", 3.0), ("粤", "YUE", 3.0), ("闽", "MIN", 2.0), ("赣", "GAN", 1.5),
    ("鄂", "E", 1.5), ("湘", "XIANG", 1.0), ("川", "CHUAN", 1.0), ("渝", "YU", 1.0),
    ("晋", "JIN", 0.8), ("辽", "LIAO", 0.8), ("吉", "JI", 0.5), ("黑", "HEI", 0.5),
    ("陕", "SHAAN", 0.5), ("甘", "GAN", 0.3), ("桂", "GUI", 0.5), ("贵", "GUI", 0.3),
    ("云", "YUN", 0.3), ("蒙", "MENG", 0.3),
)  # fmt: skip

# (make as written on a Chinese registration, VIN world manufacturer identifiers, models)
VEHICLE_MAKES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("大众", ("LSV", "LFV"), ("朗逸", "帕萨特", "速腾", "迈腾")),
    ("丰田", ("LVG", "LFM"), ("卡罗拉", "凯美瑞", "RAV4")),
    ("本田", ("LHG",), ("雅阁", "思域", "CR-V")),
    ("别克", ("LSG",), ("英朗", "君威", "GL8")),
    ("比亚迪", ("LGX",), ("秦", "汉", "宋", "元")),
    ("吉利", ("L6T",), ("帝豪", "博越", "星越")),
    ("宝马", ("LBV",), ("3系", "5系", "X3")),
    ("奔驰", ("LE4",), ("C级", "E级", "GLC")),
    ("奥迪", ("LFV",), ("A4L", "A6L", "Q5L")),
    ("日产", ("LGB",), ("轩逸", "天籁", "奇骏")),
    ("长安", ("LS5",), ("CS75", "逸动")),
    ("哈弗", ("LGW",), ("H6", "大狗")),
    ("特斯拉", ("LRW",), ("Model 3", "Model Y")),
    ("五菱", ("LZW",), ("宏光", "宏光MINI EV")),
)
COLOURS = ("白色", "黑色", "银色", "灰色", "红色", "蓝色", "棕色", "绿色")

DRONE_MODELS = (
    "DJI Mavic 3", "DJI Mini 3 Pro", "DJI Mini 4 Pro", "DJI Air 2S", "DJI Air 3",
    "DJI Phantom 4 Pro", "DJI Matrice 300 RTK", "DJI Avata", "Autel EVO II", "XAG P100",
)  # fmt: skip
