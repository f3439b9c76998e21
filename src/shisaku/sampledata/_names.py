"""Word tables for plausible firm names in Korean, Japanese, Chinese, Taiwanese and Vietnamese.

A name is a brand (two syllables, a family name or a word) plus an industry word chosen by the
firm's archetype, plus sometimes a legal form. Each piece comes in local script, a Latin form
(Revised Romanisation, Hepburn, pinyin, Wade-Giles-style or Vietnamese without diacritics) and
a slug form, precomputed here so that building a name costs a few string joins.
"""

from __future__ import annotations

import re
import unicodedata

Piece = tuple[str, str, str]  # (local script, Latin form, slug)


def slugify(text: str) -> str:
    """ASCII slug of a Latin string: lower case, diacritics dropped, runs of others -> '-'."""
    text = text.replace("Đ", "D").replace("đ", "d")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def latin_vi(text: str) -> str:
    """Vietnamese without diacritics ("Minh Phát" -> "Minh Phat"), as firms write it abroad."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _pieces(pairs: list[tuple[str, str]]) -> tuple[Piece, ...]:
    return tuple((local, latin, slugify(latin)) for local, latin in pairs)


def _combine(first: list[tuple[str, str]], second: list[tuple[str, str]],
             sep_local: str = "", sep_latin: str = "") -> tuple[Piece, ...]:
    out = []
    for fl, fr in first:
        for sl, sr in second:
            if fl == sl:
                continue
            latin = fr + sep_latin + (sr if sep_latin else sr.lower())
            out.append((fl + sep_local + sl, latin))
    return _pieces(out)


_KR_FIRST = [("대", "Dae"), ("동", "Dong"), ("한", "Han"), ("성", "Sung"), ("신", "Shin"),
             ("태", "Tae"), ("우", "Woo"), ("영", "Young"), ("진", "Jin"), ("세", "Se"),
             ("정", "Jung"), ("삼", "Sam"), ("일", "Il"), ("명", "Myung"), ("광", "Kwang"),
             ("해", "Hae"), ("화", "Hwa"), ("보", "Bo"), ("유", "Yu"), ("서", "Seo"),
             ("금", "Geum"), ("국", "Kuk"), ("미", "Mi"), ("새", "Sae")]
_KR_SECOND = [("성", "sung"), ("진", "jin"), ("원", "won"), ("한", "han"), ("일", "il"),
              ("우", "woo"), ("영", "young"), ("신", "shin"), ("화", "hwa"), ("광", "kwang"),
              ("명", "myung"), ("아", "a"), ("흥", "heung"), ("양", "yang"), ("호", "ho"),
              ("창", "chang"), ("림", "rim"), ("산", "san"), ("도", "do"), ("경", "kyung")]

_JP_BRANDS = [
    ("山田", "Yamada"), ("田中", "Tanaka"), ("鈴木", "Suzuki"), ("佐藤", "Sato"),
    ("高橋", "Takahashi"), ("渡辺", "Watanabe"), ("伊藤", "Ito"), ("中村", "Nakamura"),
    ("小林", "Kobayashi"), ("加藤", "Kato"), ("吉田", "Yoshida"), ("松本", "Matsumoto"),
    ("井上", "Inoue"), ("木村", "Kimura"), ("林", "Hayashi"), ("清水", "Shimizu"),
    ("山口", "Yamaguchi"), ("森", "Mori"), ("池田", "Ikeda"), ("橋本", "Hashimoto"),
    ("石川", "Ishikawa"), ("前田", "Maeda"), ("藤田", "Fujita"), ("岡田", "Okada"),
    ("長谷川", "Hasegawa"), ("村上", "Murakami"), ("近藤", "Kondo"), ("坂本", "Sakamoto"),
    ("遠藤", "Endo"), ("青木", "Aoki"), ("西村", "Nishimura"), ("福田", "Fukuda"),
    ("太田", "Ota"), ("三浦", "Miura"), ("藤井", "Fujii"), ("岡本", "Okamoto"),
    ("松田", "Matsuda"), ("中島", "Nakajima"), ("小川", "Ogawa"), ("原田", "Harada"),
    ("東洋", "Toyo"), ("日進", "Nisshin"), ("大和", "Yamato"), ("三共", "Sankyo"),
    ("共栄", "Kyoei"), ("昭和", "Showa"), ("太陽", "Taiyo"), ("富士", "Fuji"), ("旭", "Asahi"),
    ("協和", "Kyowa"), ("新光", "Shinko"), ("三和", "Sanwa"), ("大同", "Daido"),
    ("北斗", "Hokuto"), ("丸和", "Maruwa"), ("明和", "Meiwa"),
]

_CN_FIRST = [("华", "Hua"), ("信", "Xin"), ("金", "Jin"), ("宏", "Hong"), ("兴", "Xing"),
             ("德", "De"), ("盛", "Sheng"), ("利", "Li"), ("达", "Da"), ("恒", "Heng"),
             ("鑫", "Xin"), ("伟", "Wei"), ("永", "Yong"), ("创", "Chuang"), ("嘉", "Jia"),
             ("东", "Dong"), ("精", "Jing"), ("汇", "Hui"), ("长", "Chang"), ("博", "Bo"),
             ("联", "Lian"), ("中", "Zhong"), ("亿", "Yi"), ("天", "Tian")]
_CN_SECOND = [("信", "xin"), ("达", "da"), ("盛", "sheng"), ("发", "fa"), ("泰", "tai"),
              ("源", "yuan"), ("丰", "feng"), ("润", "run"), ("通", "tong"), ("宇", "yu"),
              ("科", "ke"), ("利", "li"), ("辉", "hui"), ("隆", "long"), ("昌", "chang"),
              ("威", "wei"), ("胜", "sheng"), ("邦", "bang"), ("鼎", "ding"), ("成", "cheng")]

_TW_FIRST = [("鴻", "Hung"), ("台", "Tai"), ("聯", "Lien"), ("華", "Hua"), ("永", "Yung"),
             ("建", "Chien"), ("巨", "Chu"), ("全", "Chuan"), ("國", "Kuo"), ("宏", "Hung"),
             ("旭", "Hsu"), ("晶", "Ching"), ("富", "Fu"), ("大", "Ta"), ("正", "Cheng"),
             ("友", "Yu"), ("祥", "Hsiang"), ("冠", "Kuan")]
_TW_SECOND = [("昌", "chang"), ("達", "ta"), ("興", "hsing"), ("益", "yi"), ("成", "cheng"),
              ("泰", "tai"), ("豐", "feng"), ("佳", "chia"), ("億", "yi"), ("鼎", "ting"),
              ("隆", "lung"), ("茂", "mao"), ("亞", "ya"), ("展", "chan"), ("銓", "chuan"),
              ("碩", "shuo")]

_VN_FIRST = ["Minh", "Hoàng", "Thành", "Tân", "Phú", "Hưng", "An", "Việt", "Đại", "Hòa", "Kim",
             "Trường", "Nam", "Phúc", "Thiên", "Tiến", "Hải", "Bảo", "Quang", "Đức"]
_VN_SECOND = ["Phát", "Long", "Công", "Thịnh", "Tiến", "Bình", "Đạt", "Minh", "An", "Phúc",
              "Hưng", "Khang", "Lộc", "Thành", "Tín", "Nguyên"]

BRANDS: dict[str, tuple[Piece, ...]] = {
    "KR": _combine(_KR_FIRST, _KR_SECOND),
    "JP": _pieces(_JP_BRANDS),
    "CN": _combine(_CN_FIRST, _CN_SECOND),
    "TW": _combine(_TW_FIRST, _TW_SECOND),
    "VN": _pieces([(f"{a} {b}", latin_vi(f"{a} {b}")) for a in _VN_FIRST for b in _VN_SECOND
                   if a != b]),
}

_INDUSTRY: dict[str, dict[str, list[tuple[str, str]]]] = {
    "KR": {
        "precision": [("정밀", "Precision"), ("정공", "Jeonggong")],
        "machinery": [("기계", "Machinery"), ("기공", "Machine Works")],
        "industrial": [("산업", "Industrial"), ("공업", "Industries")],
        "sheetmetal": [("판금", "Sheet Metal"), ("메탈", "Metal")],
        "metal": [("금속", "Metal"), ("스틸", "Steel")],
        "press": [("프레스", "Press"), ("산업", "Industrial")],
        "engineering": [("엔지니어링", "Engineering"), ("이엔지", "ENG")],
        "diecast": [("다이캐스팅", "Die Casting"), ("알루텍", "Alutech")],
        "mold": [("금형", "Mold"), ("몰드", "Mold")],
        "plastics": [("플라스틱", "Plastics"), ("플라텍", "Platech"), ("폴리텍", "Polytech")],
        "proto": [("모형", "Model"), ("프로토", "Proto"), ("목업", "Mockup")],
        "tech": [("테크", "Tech"), ("텍", "Tec"), ("시스템", "Systems")],
        "printing": [("쓰리디", "3D"), ("3D프린팅", "3D Printing")],
        "pcb": [("써키트", "Circuit"), ("피씨비", "PCB")],
        "electronics": [("전자", "Electronics"), ("일렉트로닉스", "Electronics"), ("전기", "Electric")],
        "harness": [("전선", "Cable"), ("하네스", "Harness")],
        "design": [("디자인", "Design"), ("디자인랩", "Design Lab"), ("스튜디오", "Studio")],
        "testing": [("시험연구원", "Testing Institute"), ("테스트랩", "Test Lab"),
                    ("인증센터", "Certification Center")],
        "finishing": [("표면처리", "Surface Treatment"), ("도금", "Plating"), ("코팅", "Coating")],
        "medical": [("메디칼", "Medical"), ("메디텍", "Meditech")],
    },
    "JP": {
        "precision": [("精密", "Seimitsu"), ("精機", "Seiki"), ("精工", "Seiko")],
        "machinery": [("製作所", "Seisakusho"), ("機械", "Kikai"), ("鉄工所", "Tekkosho")],
        "industrial": [("工業", "Kogyo"), ("製作所", "Seisakusho"), ("産業", "Sangyo")],
        "sheetmetal": [("板金", "Bankin"), ("板金工業", "Bankin Kogyo")],
        "metal": [("金属", "Kinzoku"), ("鉄工", "Tekko")],
        "press": [("プレス工業", "Press Kogyo"), ("プレス", "Press")],
        "engineering": [("エンジニアリング", "Engineering"), ("技研", "Giken")],
        "diecast": [("ダイカスト", "Die Casting"), ("ダイカスト工業", "Diecast Kogyo"),
                    ("軽合金", "Keigokin")],
        "mold": [("金型", "Kanagata"), ("モールド", "Mold")],
        "plastics": [("化成", "Kasei"), ("樹脂", "Jushi"), ("プラスチック", "Plastic")],
        "proto": [("試作", "Shisaku"), ("モデル", "Model")],
        "tech": [("テック", "Tech"), ("技研", "Giken")],
        "printing": [("3Dプリント", "3D Print"), ("造形", "Zokei")],
        "pcb": [("電子", "Denshi"), ("サーキット", "Circuit")],
        "electronics": [("電子", "Denshi"), ("電機", "Denki"), ("エレクトロニクス", "Electronics")],
        "harness": [("電線", "Densen"), ("ハーネス", "Harness")],
        "design": [("デザイン", "Design"), ("デザイン事務所", "Design Office")],
        "testing": [("試験研究所", "Testing Laboratory"), ("テクニカルセンター", "Technical Center")],
        "finishing": [("鍍金", "Mekki"), ("メッキ工業", "Mekki Kogyo"), ("化工", "Kako")],
        "medical": [("メディカル", "Medical"), ("医科工業", "Ika Kogyo")],
    },
    "CN": {
        "precision": [("精密五金", "Precision Hardware"), ("精密机械", "Precision Machinery"),
                      ("精工", "Precision")],
        "machinery": [("机械", "Machinery"), ("机电", "Mechanical & Electrical")],
        "industrial": [("实业", "Industrial"), ("工业", "Industry")],
        "sheetmetal": [("钣金", "Sheet Metal"), ("五金制品", "Metal Products")],
        "metal": [("金属制品", "Metal Products"), ("五金", "Hardware")],
        "press": [("五金冲压", "Metal Stamping"), ("冲压件", "Stamping")],
        "engineering": [("机械设备", "Machinery & Equipment"), ("工程", "Engineering")],
        "diecast": [("压铸", "Die Casting"), ("铝制品", "Aluminum Products")],
        "mold": [("模具", "Mould"), ("精密模具", "Precision Mould")],
        "plastics": [("塑胶制品", "Plastic Products"), ("塑料模具", "Plastic Mould")],
        "proto": [("手板模型", "Prototype Model"), ("快速成型", "Rapid Prototyping")],
        "tech": [("科技", "Technology"), ("智能科技", "Smart Technology")],
        "printing": [("三维打印", "3D Printing"), ("增材制造", "Additive Manufacturing")],
        "pcb": [("电路板", "Circuit Board"), ("线路板", "PCB")],
        "electronics": [("电子", "Electronics"), ("电子科技", "Electronic Technology")],
        "harness": [("线束", "Wire Harness"), ("电线电缆", "Wire & Cable")],
        "design": [("工业设计", "Industrial Design"), ("产品设计", "Product Design")],
        "testing": [("检测技术", "Testing Technology"), ("检测认证", "Testing & Certification")],
        "finishing": [("表面处理", "Surface Treatment"), ("电镀", "Electroplating")],
        "medical": [("医疗器械", "Medical Devices"), ("医疗科技", "Medical Technology")],
    },
    "TW": {
        "precision": [("精密", "Precision"), ("精密工業", "Precision Industrial")],
        "machinery": [("機械", "Machinery"), ("精機", "Precision Machinery")],
        "industrial": [("工業", "Industrial"), ("實業", "Enterprise")],
        "sheetmetal": [("鈑金", "Sheet Metal"), ("金屬", "Metal")],
        "metal": [("金屬", "Metal"), ("五金", "Hardware")],
        "press": [("沖壓", "Stamping"), ("五金沖壓", "Metal Stamping")],
        "engineering": [("工程", "Engineering"), ("機電", "Mechatronics")],
        "diecast": [("壓鑄", "Die Casting"), ("鋁業", "Aluminum")],
        "mold": [("模具", "Mold"), ("精密模具", "Precision Mold")],
        "plastics": [("塑膠", "Plastics"), ("塑膠工業", "Plastic Industrial")],
        "proto": [("模型", "Model"), ("原型", "Prototype")],
        "tech": [("科技", "Technology"), ("科技", "Tech")],
        "printing": [("3D列印", "3D Printing"), ("積層製造", "Additive Manufacturing")],
        "pcb": [("電路", "Circuits"), ("電路板", "Circuit Board")],
        "electronics": [("電子", "Electronics"), ("電子科技", "Electronic Technology")],
        "harness": [("線材", "Cable"), ("電線", "Wire")],
        "design": [("設計", "Design"), ("工業設計", "Industrial Design")],
        "testing": [("檢測", "Testing"), ("驗證", "Certification")],
        "finishing": [("表面處理", "Surface Treatment"), ("電鍍", "Electroplating")],
        "medical": [("醫療器材", "Medical Devices"), ("生醫", "Biomedical")],
    },
    "VN": {
        "precision": [("Cơ khí Chính xác", "Precision Mechanical"),
                      ("Gia công Chính xác", "Precision Machining")],
        "machinery": [("Cơ khí", "Mechanical"), ("Máy móc", "Machinery")],
        "industrial": [("Công nghiệp", "Industrial"), ("Sản xuất", "Manufacturing")],
        "sheetmetal": [("Gia công Kim loại tấm", "Sheet Metal"), ("Cơ khí", "Mechanical")],
        "metal": [("Kim loại", "Metal"), ("Thép", "Steel")],
        "press": [("Dập Kim loại", "Metal Stamping")],
        "engineering": [("Kỹ thuật", "Engineering")],
        "diecast": [("Đúc", "Casting"), ("Đúc Nhôm", "Aluminum Casting")],
        "mold": [("Khuôn mẫu", "Mould"), ("Khuôn mẫu Chính xác", "Precision Mould")],
        "plastics": [("Nhựa", "Plastics"), ("Nhựa Kỹ thuật", "Engineering Plastics")],
        "proto": [("Tạo mẫu", "Prototyping")],
        "tech": [("Công nghệ", "Technology")],
        "printing": [("In 3D", "3D Printing")],
        "pcb": [("Mạch in", "Printed Circuit")],
        "electronics": [("Điện tử", "Electronics")],
        "harness": [("Dây cáp điện", "Wire & Cable")],
        "design": [("Thiết kế", "Design")],
        "testing": [("Kiểm định", "Testing"), ("Thử nghiệm", "Testing Services")],
        "finishing": [("Xi mạ", "Plating"), ("Xử lý Bề mặt", "Surface Treatment")],
        "medical": [("Thiết bị Y tế", "Medical Devices")],
    },
}

INDUSTRY_WORDS: dict[str, dict[str, tuple[Piece, ...]]] = {
    country: {kind: _pieces(pairs) for kind, pairs in kinds.items()}
    for country, kinds in _INDUSTRY.items()
}

# Legal forms: (local template, Latin template, weight). {b}/{s} are the local brand and
# industry word, {B}/{S} their Latin forms, {c}/{C} the city (used for mainland firms).
LEGAL_FORMS: dict[str, tuple[tuple[str, str, float], ...]] = {
    "KR": (("{b}{s}", "{B} {S}", 0.55), ("(주){b}{s}", "{B} {S} Co., Ltd.", 0.35),
           ("{b}{s}(주)", "{B} {S} Co., Ltd.", 0.10)),
    "JP": (("株式会社{b}{s}", "{B} {S} Co., Ltd.", 0.45), ("{b}{s}株式会社", "{B} {S} Co., Ltd.", 0.2),
           ("{b}{s}", "{B} {S}", 0.25), ("有限会社{b}{s}", "{B} {S} Ltd.", 0.10)),
    "CN": (("{c}市{b}{s}有限公司", "{C} {B} {S} Co., Ltd.", 0.8),
           ("{b}{s}({c})有限公司", "{B} {S} ({C}) Co., Ltd.", 0.2)),
    "TW": (("{b}{s}股份有限公司", "{B} {S} Co., Ltd.", 0.55), ("{b}{s}有限公司", "{B} {S} Ltd.", 0.45)),
    "VN": (("Công ty TNHH {s} {b}", "{B} {S} Co., Ltd.", 0.7),
           ("Công ty Cổ phần {s} {b}", "{B} {S} JSC", 0.3)),
}
