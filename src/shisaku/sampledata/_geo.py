"""Industrial clusters of the sample geography: real city points, weights and specialities.

Each cluster is a real manufacturing town or district (coordinates of its centre, to about
0.01 degree) inside one region of :data:`shisaku.taxonomy.REGIONS`. Generated firms are
scattered around the point with a Gaussian of ``sigma_km`` (clipped at 2.5 sigma), so the map
shows the familiar shape: dense belts around Seoul-Incheon-Gyeonggi, Changwon-Busan-Ulsan,
Tokyo's Ota-ku and Kawasaki, the Aichi automotive belt, Higashiosaka, the Pearl and Yangtze
deltas, Hsinchu and Taichung, Bac Ninh and Ho Chi Minh City.
"""

from __future__ import annotations

from dataclasses import dataclass

# Share of generated firms per country (sums to 1). KR and JP lead because the platform's
# users are Korean and Japanese; CN, TW and VN are the suppliers they most often reach out to.
COUNTRY_WEIGHTS: dict[str, float] = {"KR": 0.35, "JP": 0.30, "CN": 0.20, "TW": 0.08, "VN": 0.07}

# The local language of each country (ISO 639-1, as in taxonomy.SPOKEN_LANGUAGES).
LOCAL_LANGUAGE: dict[str, str] = {"KR": "ko", "JP": "ja", "CN": "zh", "TW": "zh", "VN": "vi"}


@dataclass(frozen=True, slots=True)
class Cluster:
    """An industrial town: where firms are, how spread out, and what it is known for.

    ``weight`` is relative within the country; ``sigma_km`` the scatter of firm sites;
    ``favoured`` archetype codes get three times their base weight there; ``automotive``
    is the share of firms supplying the car industry (drives IATF 16949).
    """

    region: str
    city: str
    city_local: str
    lat: float
    lon: float
    weight: float
    sigma_km: float
    favoured: tuple[str, ...] = ()
    automotive: float = 0.1


_MACH = ("machining", "turning")
_ELEC = ("pcb_house", "ems", "harness")
_MOLD = ("injection_molder", "mold_shop")
_DESIGN = ("design_house", "electronics_design", "print_bureau")

CLUSTERS: dict[str, tuple[Cluster, ...]] = {
    "KR": (
        Cluster("KR-41", "Ansan", "안산", 37.321, 126.831, 9, 8, (*_MACH, *_MOLD, "sheet_metal"), 0.25),
        Cluster("KR-41", "Siheung", "시흥", 37.380, 126.803, 8, 7, (*_MACH, "die_casting", "finishing"), 0.25),
        Cluster("KR-41", "Hwaseong", "화성", 37.199, 126.831, 7, 12, ("die_casting", "stamping", "harness"), 0.45),
        Cluster("KR-41", "Suwon", "수원", 37.263, 127.029, 4, 8, (*_ELEC, "test_lab"), 0.1),
        Cluster("KR-41", "Bucheon", "부천", 37.503, 126.766, 5, 6, (*_MOLD, "machining"), 0.15),
        Cluster("KR-41", "Paju", "파주", 37.760, 126.780, 3, 10, ("pcb_house", "ems"), 0.05),
        Cluster("KR-41", "Pyeongtaek", "평택", 36.992, 127.113, 3, 10, ("ems", "stamping"), 0.3),
        Cluster("KR-41", "Seongnam", "성남", 37.420, 127.127, 4, 6, _DESIGN, 0.05),
        Cluster("KR-11", "Guro", "구로", 37.485, 126.887, 5, 4, (*_DESIGN, "ems", "test_lab"), 0.02),
        Cluster("KR-11", "Seongsu", "성수", 37.544, 127.056, 3, 4, (*_DESIGN, "finishing"), 0.02),
        Cluster("KR-11", "Mullae", "문래", 37.516, 126.894, 2, 3, ("machining", "sheet_metal", "welding"), 0.05),
        Cluster("KR-28", "Namdong", "남동", 37.403, 126.700, 6, 6, (*_MACH, "sheet_metal", "finishing"), 0.3),
        Cluster("KR-28", "Bupyeong", "부평", 37.489, 126.724, 3, 5, ("die_casting", "stamping"), 0.5),
        Cluster("KR-28", "Songdo", "송도", 37.384, 126.657, 2, 4, ("medical", "test_lab", "design_house"), 0.05),
        Cluster("KR-48", "Changwon", "창원", 35.228, 128.681, 7, 10, (*_MACH, "welding", "turning"), 0.35),
        Cluster("KR-48", "Gimhae", "김해", 35.229, 128.889, 4, 9, ("die_casting", "stamping", "welding"), 0.45),
        Cluster("KR-48", "Yangsan", "양산", 35.335, 129.037, 2, 7, ("mold_shop", "machining"), 0.35),
        Cluster("KR-48", "Jinju", "진주", 35.180, 128.108, 1, 8, ("aero_machining",), 0.05),
        Cluster("KR-47", "Gumi", "구미", 36.120, 128.344, 6, 9, (*_ELEC, "injection_molder"), 0.1),
        Cluster("KR-47", "Pohang", "포항", 36.019, 129.343, 2, 10, ("welding", "sheet_metal", "machining"), 0.2),
        Cluster("KR-47", "Gyeongsan", "경산", 35.825, 128.741, 3, 8, ("stamping", "machining", "die_casting"), 0.55),
        Cluster("KR-47", "Yeongcheon", "영천", 35.973, 128.939, 1, 8, ("die_casting", "stamping"), 0.6),
        Cluster("KR-27", "Daegu Seongseo", "대구 성서", 35.842, 128.506, 5, 7, (*_MACH, "finishing", "stamping"), 0.45),
        Cluster("KR-27", "Daegu Dalseong", "대구 달성", 35.700, 128.440, 2, 8, ("die_casting", "stamping"), 0.6),
        Cluster("KR-26", "Busan Sasang", "부산 사상", 35.152, 128.991, 4, 6, ("machining", "welding", "finishing"), 0.3),
        Cluster("KR-26", "Busan Gangseo", "부산 강서", 35.100, 128.880, 3, 7, ("die_casting", "harness"), 0.45),
        Cluster("KR-31", "Ulsan", "울산", 35.539, 129.311, 5, 9, ("stamping", "welding", "harness", "die_casting"), 0.7),
        Cluster("KR-43", "Cheongju", "청주", 36.642, 127.489, 4, 9, (*_ELEC, "test_lab"), 0.1),
        Cluster("KR-43", "Chungju", "충주", 36.991, 127.926, 1, 8, ("injection_molder", "stamping"), 0.3),
        Cluster("KR-43", "Osong", "오송", 36.628, 127.330, 1, 5, ("medical", "test_lab"), 0.02),
        Cluster("KR-44", "Cheonan", "천안", 36.815, 127.114, 4, 9, (*_ELEC, "injection_molder"), 0.25),
        Cluster("KR-44", "Asan", "아산", 36.790, 127.002, 3, 9, ("ems", "stamping", "die_casting"), 0.45),
        Cluster("KR-30", "Daejeon Daedeok", "대전 대덕", 36.380, 127.360, 3, 6, (*_DESIGN, "test_lab", "aero_machining"), 0.05),
        Cluster("KR-29", "Gwangju Hanam", "광주 하남", 35.190, 126.800, 2, 7, ("injection_molder", "stamping", "harness"), 0.45),
        Cluster("KR-45", "Jeonju", "전주", 35.824, 127.148, 1, 9, ("welding", "machining"), 0.3),
        Cluster("KR-45", "Gunsan", "군산", 35.968, 126.737, 1, 9, ("welding", "sheet_metal"), 0.35),
        Cluster("KR-46", "Gwangyang", "광양", 34.940, 127.696, 1, 9, ("welding", "sheet_metal"), 0.2),
        Cluster("KR-42", "Wonju", "원주", 37.342, 127.920, 2, 8, ("medical", "test_lab", "machining"), 0.05),
        Cluster("KR-50", "Sejong", "세종", 36.480, 127.289, 1, 6, ("ems", "design_house"), 0.1),
    ),
    "JP": (
        Cluster("JP-13", "Ota-ku", "大田区", 35.561, 139.716, 8, 4, (*_MACH, "finishing", "stamping"), 0.15),
        Cluster("JP-13", "Sumida-ku", "墨田区", 35.711, 139.801, 3, 3, ("stamping", "machining", "mold_shop"), 0.1),
        Cluster("JP-13", "Hachioji", "八王子", 35.666, 139.316, 3, 8, (*_ELEC, "test_lab"), 0.1),
        Cluster("JP-13", "Shibuya", "渋谷", 35.662, 139.704, 2, 3, _DESIGN, 0.02),
        Cluster("JP-14", "Kawasaki", "川崎", 35.531, 139.703, 5, 6, (*_MACH, "test_lab", "ems"), 0.2),
        Cluster("JP-14", "Sagamihara", "相模原", 35.571, 139.373, 4, 8, ("machining", "sheet_metal", "aero_machining"), 0.2),
        Cluster("JP-14", "Yokohama Tsuzuki", "横浜市都筑区", 35.545, 139.571, 3, 6, (*_DESIGN, "mold_shop"), 0.15),
        Cluster("JP-14", "Atsugi", "厚木", 35.443, 139.365, 2, 7, ("ems", "pcb_house"), 0.2),
        Cluster("JP-11", "Kawaguchi", "川口", 35.808, 139.724, 4, 6, ("die_casting", "welding", "machining"), 0.3),
        Cluster("JP-11", "Sayama", "狭山", 35.853, 139.412, 2, 7, ("stamping", "injection_molder"), 0.55),
        Cluster("JP-10", "Ota (Gunma)", "太田市", 36.291, 139.375, 3, 8, ("stamping", "die_casting", "welding"), 0.7),
        Cluster("JP-08", "Hitachi", "日立", 36.599, 140.651, 2, 9, ("machining", "harness", "welding"), 0.2),
        Cluster("JP-08", "Tsukuba", "つくば", 36.083, 140.112, 1, 6, ("test_lab", "design_house"), 0.05),
        Cluster("JP-09", "Utsunomiya", "宇都宮", 36.555, 139.883, 2, 9, ("machining", "injection_molder"), 0.4),
        Cluster("JP-23", "Toyota", "豊田", 35.083, 137.156, 5, 9, ("stamping", "die_casting", "machining", "mold_shop"), 0.85),
        Cluster("JP-23", "Kariya", "刈谷", 34.989, 137.002, 3, 7, ("die_casting", "harness", "turning"), 0.85),
        Cluster("JP-23", "Nagoya", "名古屋", 35.181, 136.906, 5, 9, (*_MACH, "aero_machining", "injection_molder"), 0.5),
        Cluster("JP-23", "Komaki", "小牧", 35.291, 136.912, 2, 6, ("aero_machining", "machining"), 0.3),
        Cluster("JP-22", "Hamamatsu", "浜松", 34.711, 137.726, 4, 9, ("machining", "die_casting", "injection_molder"), 0.6),
        Cluster("JP-22", "Fuji", "富士", 35.161, 138.676, 1, 8, ("injection_molder", "stamping"), 0.3),
        Cluster("JP-20", "Suwa-Okaya", "諏訪・岡谷", 36.047, 138.088, 3, 8, ("turning", "machining", "ems"), 0.2),
        Cluster("JP-20", "Ueda", "上田", 36.402, 138.249, 1, 8, ("ems", "injection_molder"), 0.3),
        Cluster("JP-21", "Kakamigahara", "各務原", 35.399, 136.848, 2, 6, ("aero_machining", "welding"), 0.3),
        Cluster("JP-21", "Seki", "関", 35.496, 136.917, 1, 6, ("stamping", "finishing"), 0.2),
        Cluster("JP-15", "Tsubame-Sanjo", "燕三条", 37.647, 138.930, 2, 6, ("stamping", "finishing", "sheet_metal"), 0.1),
        Cluster("JP-16", "Takaoka", "高岡", 36.754, 137.025, 1, 7, ("die_casting", "finishing"), 0.3),
        Cluster("JP-27", "Higashiosaka", "東大阪", 34.679, 135.601, 7, 5, (*_MACH, "stamping", "mold_shop", "finishing"), 0.3),
        Cluster("JP-27", "Yao", "八尾", 34.627, 135.601, 3, 5, ("stamping", "injection_molder"), 0.3),
        Cluster("JP-27", "Sakai", "堺", 34.573, 135.483, 3, 7, ("welding", "sheet_metal", "machining"), 0.25),
        Cluster("JP-26", "Kyoto", "京都", 34.985, 135.758, 3, 6, (*_ELEC, "test_lab", "medical"), 0.1),
        Cluster("JP-28", "Amagasaki", "尼崎", 34.733, 135.406, 3, 5, ("welding", "machining", "sheet_metal"), 0.2),
        Cluster("JP-28", "Kobe", "神戸", 34.690, 135.196, 2, 8, ("medical", "aero_machining", "design_house"), 0.15),
        Cluster("JP-28", "Himeji", "姫路", 34.816, 134.686, 1, 9, ("welding", "sheet_metal"), 0.3),
        Cluster("JP-25", "Kusatsu", "草津", 35.017, 135.960, 1, 7, ("ems", "injection_molder"), 0.2),
        Cluster("JP-24", "Yokkaichi", "四日市", 34.965, 136.625, 1, 8, ("pcb_house", "injection_molder"), 0.4),
        Cluster("JP-34", "Hiroshima", "広島", 34.385, 132.455, 2, 10, ("stamping", "die_casting", "machining"), 0.75),
        Cluster("JP-33", "Kurashiki", "倉敷", 34.585, 133.772, 1, 9, ("welding", "injection_molder"), 0.35),
        Cluster("JP-40", "Kitakyushu", "北九州", 33.883, 130.875, 2, 10, ("welding", "machining", "stamping"), 0.5),
        Cluster("JP-40", "Fukuoka", "福岡", 33.590, 130.402, 2, 8, (*_DESIGN, "ems"), 0.1),
        Cluster("JP-43", "Kikuyo", "菊陽", 32.862, 130.829, 1, 8, ("pcb_house", "ems", "machining"), 0.1),
        Cluster("JP-04", "Sendai", "仙台", 38.268, 140.872, 1, 9, ("ems", "machining"), 0.2),
        Cluster("JP-07", "Koriyama", "郡山", 37.400, 140.383, 1, 9, ("medical", "ems"), 0.15),
        Cluster("JP-01", "Sapporo", "札幌", 43.062, 141.354, 1, 8, ("design_house", "machining"), 0.1),
    ),
    "CN": (
        Cluster("CN-GD", "Shenzhen", "深圳", 22.555, 113.883, 9, 10, (*_ELEC, "print_bureau", "injection_molder"), 0.05),
        Cluster("CN-GD", "Shenzhen", "深圳", 22.655, 114.030, 6, 8, (*_ELEC, "electronics_design", "rapid_proto"), 0.05),
        Cluster("CN-GD", "Shenzhen", "深圳", 22.720, 114.247, 4, 8, ("ems", "sheet_metal", "injection_molder"), 0.1),
        Cluster("CN-GD", "Dongguan", "东莞", 22.815, 113.800, 8, 12, (*_MOLD, "die_casting", "machining", "sheet_metal"), 0.15),
        Cluster("CN-GD", "Dongguan", "东莞", 23.020, 113.750, 4, 10, ("ems", "harness", "rapid_proto"), 0.1),
        Cluster("CN-GD", "Guangzhou", "广州", 23.129, 113.264, 4, 12, ("stamping", "die_casting", "medical"), 0.45),
        Cluster("CN-GD", "Foshan", "佛山", 23.022, 113.122, 3, 10, ("die_casting", "finishing", "welding"), 0.25),
        Cluster("CN-GD", "Zhongshan", "中山", 22.517, 113.393, 2, 9, ("injection_molder", "harness"), 0.1),
        Cluster("CN-GD", "Huizhou", "惠州", 23.112, 114.416, 2, 10, ("ems", "pcb_house"), 0.2),
        Cluster("CN-SH", "Shanghai", "上海", 31.031, 121.228, 4, 10, (*_MACH, "medical", "test_lab"), 0.4),
        Cluster("CN-SH", "Shanghai", "上海", 31.375, 121.265, 3, 8, ("stamping", "die_casting", "harness"), 0.7),
        Cluster("CN-SH", "Shanghai", "上海", 31.205, 121.590, 3, 8, (*_DESIGN, "ems", "test_lab"), 0.1),
        Cluster("CN-JS", "Suzhou", "苏州", 31.299, 120.585, 6, 12, (*_ELEC, "machining", "medical"), 0.3),
        Cluster("CN-JS", "Kunshan", "昆山", 31.385, 120.981, 4, 8, ("pcb_house", "ems", "mold_shop"), 0.2),
        Cluster("CN-JS", "Wuxi", "无锡", 31.491, 120.312, 3, 10, ("machining", "turning", "aero_machining"), 0.35),
        Cluster("CN-JS", "Changzhou", "常州", 31.811, 119.974, 2, 10, ("welding", "sheet_metal", "medical"), 0.35),
        Cluster("CN-ZJ", "Ningbo", "宁波", 29.868, 121.544, 5, 12, ("die_casting", "stamping", "injection_molder"), 0.45),
        Cluster("CN-ZJ", "Yuyao", "余姚", 30.037, 121.154, 3, 7, ("mold_shop", "injection_molder"), 0.2),
        Cluster("CN-ZJ", "Ninghai", "宁海", 29.289, 121.430, 2, 7, ("mold_shop", "injection_molder"), 0.2),
        Cluster("CN-ZJ", "Taizhou", "台州", 28.656, 121.421, 3, 10, ("injection_molder", "mold_shop", "die_casting"), 0.45),
        Cluster("CN-ZJ", "Hangzhou", "杭州", 30.274, 120.155, 3, 10, (*_DESIGN, "ems"), 0.1),
        Cluster("CN-ZJ", "Yongkang", "永康", 28.889, 120.047, 2, 7, ("stamping", "die_casting", "finishing"), 0.2),
    ),
    "TW": (
        Cluster("TW-TPE", "Taipei", "臺北", 25.080, 121.575, 4, 5, (*_DESIGN, "ems", "test_lab"), 0.05),
        Cluster("TW-TPE", "Taipei", "臺北", 25.055, 121.615, 2, 4, ("electronics_design", "pcb_house"), 0.05),
        Cluster("TW-HSZ", "Hsinchu", "新竹", 24.790, 120.990, 4, 6, (*_ELEC, "test_lab", "electronics_design"), 0.05),
        Cluster("TW-TXG", "Taichung", "臺中", 24.165, 120.610, 5, 9, (*_MACH, "aero_machining", "stamping"), 0.3),
        Cluster("TW-TXG", "Taichung", "臺中", 24.120, 120.700, 3, 7, ("mold_shop", "injection_molder", "finishing"), 0.3),
    ),
    "VN": (
        Cluster("VN-HN", "Hanoi", "Hà Nội", 21.130, 105.780, 4, 9, ("ems", "harness", "injection_molder"), 0.15),
        Cluster("VN-HN", "Hanoi", "Hà Nội", 20.985, 105.860, 2, 6, ("machining", "design_house", "sheet_metal"), 0.1),
        Cluster("VN-56", "Bac Ninh", "Bắc Ninh", 21.190, 106.040, 5, 9, ("ems", "pcb_house", "injection_molder", "harness"), 0.1),
        Cluster("VN-SG", "Ho Chi Minh City", "Thành phố Hồ Chí Minh", 10.780, 106.620, 5, 9, ("machining", "sheet_metal", "injection_molder"), 0.15),
        Cluster("VN-SG", "Ho Chi Minh City", "Thành phố Hồ Chí Minh", 10.850, 106.790, 2, 5, ("ems", "electronics_design", "design_house"), 0.05),
    ),
}
