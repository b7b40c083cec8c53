"""Static tables for reading and weighing person names: surname readings and spellings, and the
population shares of common surnames and given names in China, Vietnam, Korea and Japan.

Sources (figures rounded; they weigh evidence, they are not statistics to quote):
- Chinese surnames: the order and the top shares of the Ministry of Public Security household
  registration report 《二〇二〇年全国姓名报告》 (王 7.1 %, 李 7.0 %, 张 6.8 % ...); the tail is
  interpolated to about 0.1 % at rank 100, as in Yuan Yida's surname studies.
- Chinese given names: the same reports' lists of the commonest full names (张伟 about 290,000
  bearers, 王芳 about 270,000 ...), divided by the surname's share.
- Heteronym surname readings: 《现代汉语词典》 (第7版) entries marked 姓.
- Hong Kong spellings: the conventional surname spellings on HKSAR identity cards.
- Vietnam: surname shares as commonly cited from the 2009 census (Nguyễn about 38 %).
- Korea: 2015 census (통계청 인구주택총조사) surname counts; spellings as passports print them.
- Japan: approximate counts of the 100 commonest surnames (about 1.5 % for 佐藤 down to 0.1 %).
"""

from __future__ import annotations

# Toneless pinyin syllables, for segmenting typed pinyin ("zhangxiaoming" -> zhang xiao ming).
# The set pypinyin yields for U+4E00-U+9FFF without the interjections (hm, hng, m, n, ng), plus
# the passport spellings of ü (lyu, nyu).
PINYIN_SYLLABLES = frozenset(
    """a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can
    cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan
    chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia
    dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fo
    fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai
    han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao
    jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai
    kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu
    lo long lou lu luan lun luo lv lve lyu ma mai man mang mao me mei men meng mi mian miao mie min
    ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong
    nou nu nuan nun nuo nv nve nyu o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping
    po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng
    ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she
    shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun
    suo ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan
    wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan
    yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai
    zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo
    zi zong zou zu zuan zui zun zuo""".split()  # noqa: SIM905 (reads better than 419 quoted words)
)

# Two-character surnames (simplified) and their pinyin. pypinyin reads several of them wrongly
# character by character (尉迟 is yu chi, not wei chi; 万俟 is mo qi).
COMPOUND_SURNAMES: dict[str, tuple[str, str]] = {
    "欧阳": ("ou", "yang"), "司马": ("si", "ma"), "诸葛": ("zhu", "ge"), "上官": ("shang", "guan"),
    "司徒": ("si", "tu"), "东方": ("dong", "fang"), "皇甫": ("huang", "fu"), "尉迟": ("yu", "chi"),
    "公孙": ("gong", "sun"), "慕容": ("mu", "rong"),
    "长孙": ("zhang", "sun"), "宇文": ("yu", "wen"),
    "夏侯": ("xia", "hou"), "令狐": ("ling", "hu"), "端木": ("duan", "mu"), "西门": ("xi", "men"),
    "南宫": ("nan", "gong"), "轩辕": ("xuan", "yuan"),
    "闻人": ("wen", "ren"), "呼延": ("hu", "yan"),
    "太史": ("tai", "shi"), "申屠": ("shen", "tu"),
    "钟离": ("zhong", "li"), "宗政": ("zong", "zheng"),
    "濮阳": ("pu", "yang"), "淳于": ("chun", "yu"), "公冶": ("gong", "ye"),
    "赫连": ("he", "lian"), "澹台": ("tan", "tai"), "公羊": ("gong", "yang"), "第五": ("di", "wu"),
    "百里": ("bai", "li"), "拓跋": ("tuo", "ba"), "独孤": ("du", "gu"), "万俟": ("mo", "qi"),
    "东郭": ("dong", "guo"), "羊舌": ("yang", "she"), "梁丘": ("liang", "qiu"),
    "左丘": ("zuo", "qiu"), "东门": ("dong", "men"), "段干": ("duan", "gan"), "巫马": ("wu", "ma"),
    "公西": ("gong", "xi"), "漆雕": ("qi", "diao"),
    "乐正": ("yue", "zheng"), "谷梁": ("gu", "liang"),
    "亓官": ("qi", "guan"), "司寇": ("si", "kou"), "子车": ("zi", "ju"), "颛孙": ("zhuan", "sun"),
    "壤驷": ("rang", "si"), "公良": ("gong", "liang"), "夹谷": ("jia", "gu"), "宰父": ("zai", "fu"),
    "微生": ("wei", "sheng"), "公户": ("gong", "hu"),
    "仲孙": ("zhong", "sun"), "叔孙": ("shu", "sun"),
}  # fmt: skip

# Surnames read differently from the character's common reading; several have two surname
# readings in use (盖 ge/gai, 覃 qin/tan, 乐 yue/le), the commoner first.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shan",), "曾": ("zeng",), "解": ("xie",), "区": ("ou",), "仇": ("qiu",),
    "朴": ("piao",), "查": ("zha",), "盖": ("ge", "gai"), "缪": ("miao",), "乐": ("yue", "le"),
    "覃": ("qin", "tan"), "翟": ("zhai",), "尉": ("wei", "yu"), "种": ("chong",), "秘": ("bi",),
    "冼": ("xian",), "召": ("shao",), "折": ("she",), "员": ("yun",), "句": ("gou",),
    "柏": ("bai",), "繁": ("po",), "朝": ("chao",), "隗": ("wei",), "阚": ("kan",),
    "褚": ("chu",), "宿": ("su",), "薄": ("bo",), "那": ("na",), "能": ("nai",),
    "石": ("shi",), "都": ("du",), "相": ("xiang",), "适": ("kuo",), "粘": ("nian",),
    "任": ("ren",), "沈": ("shen",), "贾": ("jia",), "华": ("hua",), "纪": ("ji",),
    "过": ("guo",), "牟": ("mou",), "难": ("nan",), "哈": ("ha",), "蕃": ("pi",),
    "燕": ("yan",), "葛": ("ge",), "车": ("che",), "叶": ("ye",), "重": ("chong",),
    "长": ("chang",), "藏": ("zang",), "应": ("ying",), "强": ("qiang",),
}  # fmt: skip

# Hong Kong identity-card spellings of surnames (simplified keys; alternatives, commonest first,
# syllables of a compound surname separated by a space), where the general jyutping conversion
# gives another spelling (李 lei -> LEE, 周 zau -> CHOW, 曾 TSANG) or ToJyutping a
# non-surname reading (单 SIN, 区 AU, 翟 CHAK).
HK_SURNAMES: dict[str, tuple[str, ...]] = {
    "陈": ("chan",), "李": ("lee", "li"), "张": ("cheung",), "黄": ("wong",), "何": ("ho",),
    "林": ("lam",), "梁": ("leung",), "刘": ("lau",), "吴": ("ng",), "周": ("chow", "chau"),
    "郑": ("cheng",), "谢": ("tse",), "曾": ("tsang",), "蔡": ("choi",), "徐": ("tsui",),
    "曹": ("tso",), "叶": ("yip",), "郭": ("kwok",), "罗": ("law", "lo"), "马": ("ma",),
    "朱": ("chu",), "胡": ("wu",), "潘": ("poon",), "袁": ("yuen",), "邓": ("tang",),
    "冯": ("fung",), "杜": ("to",), "石": ("shek",), "余": ("yu", "yue"), "高": ("ko",),
    "谭": ("tam",), "钟": ("chung",), "麦": ("mak",), "卢": ("lo", "lou"), "苏": ("so",),
    "孙": ("suen",), "施": ("sze",), "姚": ("yiu",), "方": ("fong",), "霍": ("fok",),
    "岑": ("shum", "sum"), "沈": ("shum", "sum"), "关": ("kwan",), "邱": ("yau",),
    "甘": ("kam",), "黎": ("lai",), "伍": ("ng",), "温": ("wan",), "程": ("ching",),
    "颜": ("ngan",), "蒋": ("cheung",), "戴": ("tai",), "廖": ("liu",), "莫": ("mok",),
    "区": ("au",), "鲍": ("pau",), "翁": ("yung",), "王": ("wong",), "杨": ("yeung",),
    "赵": ("chiu",), "许": ("hui",), "彭": ("pang",), "萧": ("siu",), "邹": ("chau", "chow"),
    "文": ("man",), "龙": ("lung",), "容": ("yung",), "范": ("fan",), "赖": ("lai",),
    "韦": ("wai",), "江": ("kong",), "孔": ("hung",), "宋": ("sung",), "唐": ("tong",),
    "韩": ("hon",), "侯": ("hau",), "邵": ("siu",), "雷": ("lui",), "汤": ("tong",),
    "钱": ("chin",), "秦": ("chun",), "尹": ("wan",), "金": ("kam",), "傅": ("fu",),
    "田": ("tin",), "董": ("tung",), "崔": ("chui",), "姜": ("keung",), "魏": ("ngai",),
    "任": ("yam",), "柯": ("or", "o"), "卓": ("cheuk",), "简": ("kan",), "单": ("shin", "sin"),
    "夏": ("ha",), "严": ("yim",), "车": ("che",), "凌": ("ling",), "阮": ("yuen",),
    "游": ("yau",), "纪": ("kei",), "聂": ("nip",), "倪": ("ngai",), "查": ("cha",),
    "冼": ("sin",), "缪": ("mau",), "乐": ("lok",), "覃": ("tam",), "翟": ("chak",),
    "仇": ("sau", "kau"), "解": ("hai",), "朴": ("piu",), "盖": ("koi",), "易": ("yik",),
    "邝": ("kwong",), "欧阳": ("au yeung",), "司徒": ("szeto",), "司马": ("szema",),
    "上官": ("sheung kwun",), "诸葛": ("chu kot",), "东方": ("tung fong",),
}  # fmt: skip

# Population share (fraction) of the commonest Chinese surnames, in the 2020 report's order.
_TOP_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马胡朱郭何罗高林郑梁谢宋唐许邓韩冯曹彭曾肖田董潘袁蔡蒋余于杜叶程魏"
    "苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵"
    "万覃武钱戴严欧莫孔向"
)
_TOP_SHARES = (
    0.0725, 0.0719, 0.0683, 0.0516, 0.0453, 0.0330, 0.0241, 0.0205, 0.0199, 0.0191,
    0.0144, 0.0138, 0.0129, 0.0120, 0.0118, 0.0115, 0.0106, 0.0099, 0.0097, 0.0095,
    0.0081, 0.0080, 0.0077, 0.0071, 0.0069, 0.0066, 0.0064, 0.0062, 0.0060, 0.0059,
    0.0056, 0.0055, 0.0054, 0.0052, 0.0051, 0.0049, 0.0048, 0.0047, 0.0046, 0.0045,
    0.0044, 0.0043, 0.0042, 0.0041, 0.0040, 0.0039, 0.0038, 0.0037, 0.0036, 0.0035,
    0.0034, 0.0034, 0.0033, 0.0033, 0.0032, 0.0031, 0.0031, 0.0030, 0.0030, 0.0029,
    0.0028, 0.0028, 0.0027, 0.0027, 0.0026, 0.0026, 0.0025, 0.0025, 0.0024, 0.0024,
    0.0023, 0.0023, 0.0022, 0.0022, 0.0021, 0.0021, 0.0020, 0.0020, 0.0019, 0.0019,
    0.0018, 0.0018, 0.0017, 0.0017, 0.0016, 0.0016, 0.0015, 0.0015, 0.0014, 0.0014,
    0.0013, 0.0013, 0.0013, 0.0012, 0.0012, 0.0012, 0.0011, 0.0011, 0.0011, 0.0010,
)  # fmt: skip
CN_SURNAME_SHARE: dict[str, float] = dict(zip(_TOP_SURNAMES, _TOP_SHARES, strict=True)) | {
    "章": 6e-4, "欧阳": 8e-4, "翟": 4e-4, "单": 2e-4, "仇": 2e-4, "解": 2e-4, "缪": 2e-4,
    "朴": 2e-4, "司徒": 1e-4, "查": 1e-4, "盖": 1e-4, "乐": 1e-4, "冼": 1e-4, "区": 5e-5,
    "司马": 4e-5, "上官": 3e-5, "诸葛": 2e-5, "皇甫": 2e-5, "东方": 1e-5, "尉迟": 1e-5,
    "公孙": 1e-5, "慕容": 1e-5, "令狐": 1e-5, "长孙": 5e-6, "宇文": 5e-6, "夏侯": 5e-6,
    "端木": 5e-6,
}  # fmt: skip
CN_SURNAME_DEFAULT = 1e-4  # a single-character surname outside the table
CN_COMPOUND_DEFAULT = 5e-6  # a two-character surname outside the table

# Share of people bearing a given name, whatever their surname.
CN_GIVEN_SHARE: dict[str, float] = {
    "伟": 0.0031, "芳": 0.0026, "娜": 0.0024, "敏": 0.0022, "静": 0.0022, "秀英": 0.0021,
    "丽": 0.0020, "强": 0.0018, "磊": 0.0018, "洋": 0.0017, "艳": 0.0017, "勇": 0.0016,
    "军": 0.0016, "杰": 0.0016, "娟": 0.0015, "涛": 0.0015, "明": 0.0014, "超": 0.0014,
    "秀兰": 0.0014, "霞": 0.0013, "平": 0.0013, "刚": 0.0013, "桂英": 0.0012, "燕": 0.0012,
    "辉": 0.0012, "玲": 0.0011, "丹": 0.0011, "萍": 0.0011, "鹏": 0.0011, "华": 0.0011,
    "红": 0.0010, "玉兰": 0.0010, "飞": 0.0010, "桂兰": 0.0009, "英": 0.0009, "梅": 0.0009,
    "鑫": 0.0009, "波": 0.0009, "斌": 0.0009, "宇": 0.0009, "浩": 0.0008, "凯": 0.0008,
    "健": 0.0008, "俊": 0.0008, "帆": 0.0008, "帅": 0.0008, "旭": 0.0008, "宁": 0.0008,
    "龙": 0.0008, "林": 0.0007, "欢": 0.0007, "阳": 0.0007, "建华": 0.0007, "亮": 0.0007,
    "成": 0.0007, "建国": 0.0006, "建军": 0.0006, "晨": 0.0006, "婷": 0.0006, "琳": 0.0006,
    "倩": 0.0006, "颖": 0.0006, "雪": 0.0006, "慧": 0.0006, "兰": 0.0006, "峰": 0.0006,
    "建平": 0.0005, "志强": 0.0005, "子涵": 0.0005, "浩然": 0.0004, "欣怡": 0.0004,
    "梓涵": 0.0004, "一诺": 0.0004, "雨涵": 0.0004,
}  # fmt: skip
# Given names outside the table, by number of characters: single-character names are few and
# much shared, two-character names spread over millions of combinations.
CN_GIVEN_DEFAULT = {1: 1e-4, 2: 3e-5}
CN_GIVEN_DEFAULT_LONG = 1e-6

VN_SURNAME_SHARE: dict[str, float] = {
    "nguyen": 0.38, "tran": 0.11, "le": 0.095, "pham": 0.071, "hoang": 0.031, "huynh": 0.02,
    "phan": 0.045, "vu": 0.02, "vo": 0.019, "dang": 0.021, "bui": 0.02, "do": 0.014, "ho": 0.013,
    "ngo": 0.013, "duong": 0.01, "dinh": 0.008, "ly": 0.005, "dao": 0.005, "trinh": 0.005,
    "truong": 0.005, "mai": 0.005, "lam": 0.004, "cao": 0.004, "ha": 0.004, "luong": 0.004,
    "ta": 0.003, "luu": 0.003, "thai": 0.002, "chu": 0.002, "tang": 0.001, "quach": 0.001,
}  # fmt: skip
VN_GIVEN_DEFAULT = 5e-4  # middle and given names together (VAN DUC, THI LAN) are much shared

# Hangul surname: (share, passport spellings with the commonest first).
KR_SURNAMES: dict[str, tuple[float, tuple[str, ...]]] = {
    "김": (0.215, ("kim", "gim")), "이": (0.147, ("lee", "yi", "rhee", "i")),
    "박": (0.084, ("park", "bak", "pak")), "최": (0.047, ("choi", "choe")),
    "정": (0.043, ("jung", "jeong", "chung", "cheong")), "강": (0.024, ("kang", "gang")),
    "조": (0.021, ("cho", "jo")), "윤": (0.021, ("yoon", "yun")), "장": (0.020, ("jang", "chang")),
    "임": (0.017, ("lim", "im", "yim")), "한": (0.015, ("han",)), "오": (0.015, ("oh", "o")),
    "서": (0.015, ("seo", "suh")), "신": (0.015, ("shin", "sin")), "권": (0.014, ("kwon", "gwon")),
    "황": (0.014, ("hwang",)), "안": (0.014, ("ahn", "an")), "송": (0.013, ("song",)),
    "전": (0.011, ("jeon", "jun", "chun")), "홍": (0.011, ("hong",)),
    "유": (0.011, ("yoo", "yu", "ryu")),
    "고": (0.009, ("ko", "go")), "문": (0.009, ("moon", "mun")),
    "양": (0.009, ("yang",)), "손": (0.009, ("son", "sohn")), "배": (0.008, ("bae", "pae")),
    "백": (0.007, ("baek", "paik", "baik")), "허": (0.006, ("heo", "huh", "hur")),
    "남": (0.005, ("nam",)), "심": (0.005, ("shim", "sim")), "노": (0.005, ("noh", "roh", "no")),
    "하": (0.005, ("ha",)), "곽": (0.004, ("kwak", "gwak")), "성": (0.004, ("sung", "seong")),
    "차": (0.004, ("cha",)), "주": (0.004, ("joo", "ju", "chu")), "우": (0.004, ("woo", "u")),
    "구": (0.004, ("koo", "ku", "gu")),
    "민": (0.003, ("min",)), "류": (0.003, ("ryu", "yoo", "yu")),
    "나": (0.003, ("na", "ra")), "진": (0.003, ("jin", "chin")), "지": (0.003, ("ji", "chi")),
    "엄": (0.003, ("eom", "um", "uhm")), "채": (0.003, ("chae",)), "원": (0.003, ("won",)),
    "천": (0.002, ("cheon", "chun")),
    "방": (0.002, ("bang", "pang")), "공": (0.002, ("kong", "gong")),
    "현": (0.002, ("hyun", "hyeon")), "함": (0.002, ("ham",)), "변": (0.002, ("byun", "byeon")),
    "염": (0.001, ("yeom", "yum")), "여": (0.001, ("yeo", "yoh")), "추": (0.001, ("choo", "chu")),
    "도": (0.001, ("do", "doh")), "소": (0.001, ("so",)), "석": (0.001, ("seok", "suk")),
    "선": (0.001, ("sun", "seon")), "설": (0.001, ("seol", "sul")), "마": (0.001, ("ma",)),
    "길": (0.001, ("gil", "kil")), "연": (0.001, ("yeon", "yun")), "위": (0.001, ("wi", "wee")),
    "표": (0.001, ("pyo",)), "명": (0.001, ("myung", "myeong")), "기": (0.001, ("ki", "gi")),
    "남궁": (4e-4, ("namgoong", "namgung")), "황보": (2e-4, ("hwangbo",)),
    "제갈": (1e-4, ("jegal",)), "선우": (1e-4, ("sunwoo", "seonu")), "독고": (5e-5, ("dokgo",)),
    "사공": (5e-5, ("sagong",)), "서문": (2e-5, ("seomun",)),
}  # fmt: skip
# A spelling shared by two surnames (YU: 유 and 류) counts as the commoner one.
KR_BY_ROMAJI: dict[str, float] = {}
for _kr_share, _spellings in KR_SURNAMES.values():
    for _spelt in _spellings:
        KR_BY_ROMAJI[_spelt] = max(KR_BY_ROMAJI.get(_spelt, 0.0), _kr_share)
KR_SURNAME_DEFAULT = 5e-4
KR_GIVEN_DEFAULT = 5e-4  # Korean given names follow generational fashions: 민준, 서연 ...

# Japanese surnames: kanji -> (passport romaji, share).
JP_SURNAMES: dict[str, tuple[str, float]] = {
    "佐藤": ("sato", 0.015), "鈴木": ("suzuki", 0.014), "高橋": ("takahashi", 0.011),
    "田中": ("tanaka", 0.010), "伊藤": ("ito", 0.0085), "渡辺": ("watanabe", 0.0085),
    "山本": ("yamamoto", 0.0085), "中村": ("nakamura", 0.008), "小林": ("kobayashi", 0.008),
    "加藤": ("kato", 0.007), "吉田": ("yoshida", 0.0065), "山田": ("yamada", 0.0065),
    "佐々木": ("sasaki", 0.0055), "山口": ("yamaguchi", 0.005), "松本": ("matsumoto", 0.005),
    "井上": ("inoue", 0.005), "木村": ("kimura", 0.0045), "斎藤": ("saito", 0.0042),
    "清水": ("shimizu", 0.0041), "山崎": ("yamazaki", 0.0037), "池田": ("ikeda", 0.0036),
    "橋本": ("hashimoto", 0.0035), "阿部": ("abe", 0.0035), "石川": ("ishikawa", 0.0033),
    "山下": ("yamashita", 0.0032), "中島": ("nakajima", 0.0031), "石井": ("ishii", 0.0030),
    "小川": ("ogawa", 0.0030), "前田": ("maeda", 0.0029), "岡田": ("okada", 0.0029),
    "長谷川": ("hasegawa", 0.0028), "藤田": ("fujita", 0.0028), "後藤": ("goto", 0.0028),
    "近藤": ("kondo", 0.0027), "村上": ("murakami", 0.0026), "遠藤": ("endo", 0.0025),
    "青木": ("aoki", 0.0024), "坂本": ("sakamoto", 0.0024), "斉藤": ("saito", 0.0023),
    "福田": ("fukuda", 0.0023), "太田": ("ota", 0.0022), "西村": ("nishimura", 0.0022),
    "藤井": ("fujii", 0.0021), "金子": ("kaneko", 0.0021), "岡本": ("okamoto", 0.0021),
    "藤原": ("fujiwara", 0.0021), "中野": ("nakano", 0.0020), "三浦": ("miura", 0.0020),
    "原田": ("harada", 0.0020), "中川": ("nakagawa", 0.0019), "松田": ("matsuda", 0.0019),
    "竹内": ("takeuchi", 0.0019), "小野": ("ono", 0.0019), "田村": ("tamura", 0.0018),
    "中山": ("nakayama", 0.0018), "和田": ("wada", 0.0018), "石田": ("ishida", 0.0017),
    "森田": ("morita", 0.0017), "上田": ("ueda", 0.0017), "内田": ("uchida", 0.0016),
    "柴田": ("shibata", 0.0016), "酒井": ("sakai", 0.0016), "宮崎": ("miyazaki", 0.0016),
    "横山": ("yokoyama", 0.0015), "高木": ("takagi", 0.0015), "安藤": ("ando", 0.0015),
    "宮本": ("miyamoto", 0.0015), "大野": ("ono", 0.0014), "小島": ("kojima", 0.0014),
    "谷口": ("taniguchi", 0.0014), "今井": ("imai", 0.0014), "工藤": ("kudo", 0.0013),
    "高田": ("takada", 0.0013), "増田": ("masuda", 0.0013), "丸山": ("maruyama", 0.0013),
    "杉山": ("sugiyama", 0.0013), "村田": ("murata", 0.0012), "大塚": ("otsuka", 0.0012),
    "新井": ("arai", 0.0012), "小山": ("koyama", 0.0012), "平野": ("hirano", 0.0012),
    "藤本": ("fujimoto", 0.0011), "河野": ("kono", 0.0011), "上野": ("ueno", 0.0011),
    "野口": ("noguchi", 0.0011), "武田": ("takeda", 0.0011), "松井": ("matsui", 0.0011),
    "千葉": ("chiba", 0.0010), "岩崎": ("iwasaki", 0.0010), "菅原": ("sugawara", 0.0010),
    "木下": ("kinoshita", 0.0010), "久保": ("kubo", 0.0010), "佐野": ("sano", 0.0010),
    "野村": ("nomura", 0.0010), "松尾": ("matsuo", 0.0010),
}  # fmt: skip
JP_BY_ROMAJI: dict[str, float] = {}  # 斎藤 and 斉藤 are both SAITO: their shares add up
for _romaji, _jp_share in JP_SURNAMES.values():
    JP_BY_ROMAJI[_romaji] = JP_BY_ROMAJI.get(_romaji, 0.0) + _jp_share
JP_SURNAME_DEFAULT = 2e-4
JP_GIVEN_DEFAULT = 5e-4

FOREIGN_DEFAULT = 1e-6  # a full name of unknown origin: first and family name together
FOREIGN_SINGLE_DEFAULT = 1e-4  # a single word, which may be only a surname


# Japanese given names in kanji and their usual readings. Kanji given names are read by the
# bearer's choice, not by dictionary: 陽翔 is HARUTO, 大樹 DAIKI or HIROKI, 彩 AYA. A dictionary
# reader (pykakasi) gets these wrong, so the commonest names of the birth-year rankings (Meiji
# Yasuda's yearly name survey, 1912 onwards: 太郎, 茂, 幸子, 和子 ... 蓮, 陽翔, 陽葵) are read
# from this table, every usual reading of each; other names fall back to the dictionary.
JP_GIVEN_NAMES: dict[str, tuple[str, ...]] = {
    # men
    "蓮": ("ren",), "陽翔": ("haruto", "hinato"), "湊": ("minato",), "蒼": ("aoi", "so"),
    "樹": ("itsuki",), "大翔": ("hiroto", "yamato", "daito"), "悠真": ("yuma", "haruma"),
    "陽向": ("hinata",), "律": ("ritsu",), "朝陽": ("asahi",), "颯真": ("soma",),
    "悠人": ("yuto", "haruto"), "大和": ("yamato",), "翔太": ("shota",), "拓海": ("takumi",),
    "翔": ("sho", "kakeru"), "大輝": ("daiki", "hiroki"), "大樹": ("daiki", "hiroki", "taiki"),
    "健太": ("kenta",), "健一": ("kenichi",), "誠": ("makoto",), "浩": ("hiroshi",),
    "博": ("hiroshi",), "茂": ("shigeru",), "実": ("minoru",), "清": ("kiyoshi",),
    "勇": ("isamu",), "進": ("susumu",), "隆": ("takashi",), "明": ("akira",),
    "翼": ("tsubasa",), "亮": ("ryo", "akira"), "涼": ("ryo",), "健": ("ken", "takeshi"),
    "剛": ("tsuyoshi", "takeshi"), "直樹": ("naoki",), "和也": ("kazuya",), "達也": ("tatsuya",),
    "哲也": ("tetsuya",), "拓也": ("takuya",), "雄太": ("yuta",), "太郎": ("taro",),
    "一郎": ("ichiro",), "次郎": ("jiro",), "大介": ("daisuke",), "健二": ("kenji",),
    "浩二": ("koji",), "誠一": ("seiichi",), "修": ("osamu",), "豊": ("yutaka",),
    "正": ("tadashi",), "学": ("manabu",), "聡": ("satoshi",), "稔": ("minoru",),
    "秀樹": ("hideki",), "康弘": ("yasuhiro",), "和彦": ("kazuhiko",), "智也": ("tomoya",),
    "翔平": ("shohei",), "陸": ("riku",), "海斗": ("kaito",), "颯太": ("sota",),
    "悠斗": ("yuto",), "蒼空": ("sora",), "大地": ("daichi",), "蒼太": ("sota",),
    "悠": ("yu", "haruka"), "光": ("hikaru",), "翔大": ("shota",), "優斗": ("yuto",),
    "拓真": ("takuma",), "蓮斗": ("rento",), "陽太": ("yota", "hinata"), "大樹郎": ("daijuro",),
    "和夫": ("kazuo",), "正雄": ("masao",), "弘": ("hiroshi",), "三郎": ("saburo",),
    "武": ("takeshi",), "昭": ("akira",), "勝": ("masaru",), "裕太": ("yuta",),
    "優太": ("yuta",), "隼人": ("hayato",), "直人": ("naoto",), "大輔": ("daisuke",),
    # women
    "陽葵": ("himari", "hinata", "hina"), "凛": ("rin",), "詩": ("uta",), "結菜": ("yuna",),
    "葵": ("aoi",), "芽依": ("mei",), "紬": ("tsumugi",), "澪": ("mio",), "結愛": ("yua",),
    "美咲": ("misaki",), "彩": ("aya",), "幸子": ("sachiko",), "洋子": ("yoko",),
    "恵子": ("keiko",), "京子": ("kyoko",), "和子": ("kazuko",), "節子": ("setsuko",),
    "久美子": ("kumiko",), "裕子": ("yuko", "hiroko"), "優子": ("yuko",), "直美": ("naomi",),
    "由美": ("yumi",), "真由美": ("mayumi",), "明美": ("akemi",), "智子": ("tomoko",),
    "陽子": ("yoko",), "美穂": ("miho",), "愛": ("ai",), "舞": ("mai",), "麻衣": ("mai",),
    "彩花": ("ayaka",), "美紀": ("miki",), "香織": ("kaori",), "沙織": ("saori",),
    "恵": ("megumi",), "桜": ("sakura",), "花子": ("hanako",), "結衣": ("yui",),
    "陽菜": ("hina", "haruna"), "莉子": ("riko",), "美月": ("mizuki", "mitsuki"),
    "七海": ("nanami",), "真央": ("mao",), "奈々": ("nana",), "遥": ("haruka",),
    "楓": ("kaede",), "千尋": ("chihiro",), "美優": ("miyu",), "菜々子": ("nanako",),
    "友美": ("tomomi",), "由紀": ("yuki",), "雪": ("yuki",), "真理子": ("mariko",),
    "典子": ("noriko",), "文子": ("fumiko",), "春子": ("haruko",), "花": ("hana",),
    "芽衣": ("mei",), "杏": ("an", "anzu"), "結月": ("yuzuki",), "咲良": ("sakura",),
    "美羽": ("miu",), "心春": ("koharu",), "愛子": ("aiko",), "恵美": ("emi", "megumi"),
    "千代": ("chiyo",), "静香": ("shizuka",), "麻美": ("asami",), "理恵": ("rie",),
}  # fmt: skip
