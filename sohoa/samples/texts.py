"""Vietnamese sample texts written for sohoa, in the style of a commune party history.

The commune, its hamlets and its people are invented; the national events, resolutions and
directives are real. The texts carry every tone on most vowels, and đ/Đ, so that OCR tests see
the diacritics that matter. Punctuation is kept to what typewriters had (no curly quotes, no
dashes other than "-").
"""

from __future__ import annotations

from sohoa.vietnamese import nfc

HISTORY_TITLE = "LỊCH SỬ ĐẢNG BỘ XÃ NGHĨA TRUNG (1930 - 1995)"

# One paragraph per string; pages are filled paragraph by paragraph.
HISTORY: tuple[str, ...] = tuple(nfc(p) for p in (
    "Chương một. Vùng đất và con người Nghĩa Trung. Xã Nghĩa Trung nằm ở phía đông nam huyện "
    "Vũ Thư, bên bờ sông Trà Lý, cách thị xã Thái Bình mười hai ki-lô-mét. Đất đai phần lớn là "
    "ruộng chiêm trũng, mỗi năm chỉ cấy được một vụ lúa, năng suất bình quân chưa đến 60 "
    "ki-lô-gam một sào. Trước Cách mạng tháng Tám, cả xã có 1.247 hộ với 5.830 nhân khẩu, sống "
    "rải rác trong bảy thôn: Đông Thượng, Đông Hạ, Phú Mỹ, Quỳnh Lâm, Thụy Lũng, Hữu Lộc và Bến "
    "Đò. Người dân nơi đây cần cù, chịu khó, giàu lòng yêu nước, không bao giờ chịu quỵ lụy "
    "trước cường quyền.",
    "Năm 1930, khi Đảng Cộng sản Việt Nam ra đời, những tư tưởng cách mạng đầu tiên đã theo chân "
    "các thanh niên đi làm thuê ở Hải Phòng và Nam Định trở về quê. Tháng 3 năm 1936, đồng chí "
    "Nguyễn Văn Kỷ, một thợ nhuộm ở thôn Phú Mỹ, được kết nạp vào Đảng tại Nam Định. Ông về làng "
    "lập hội tương tế, hội đọc sách báo, bí mật tuyên truyền chủ trương của Đảng cho bà con nông "
    "dân nghèo. Ngày 2 tháng 9 năm 1938, chi bộ Đảng đầu tiên của xã ra đời tại nhà bà Lê Thị "
    "Hằng ở thôn Quỳnh Lâm, gồm ba đảng viên.",
    "Ngày 15 tháng 8 năm 1945, nhận được lệnh tổng khởi nghĩa của Ủy ban khởi nghĩa tỉnh, chi bộ "
    "họp khẩn ở đình Quỳnh Lâm. Sáng hôm sau, hơn hai nghìn người với gậy gộc, giáo mác, cờ đỏ "
    "sao vàng kéo về trụ sở lý dịch, buộc chánh tổng nộp ấn tín, sổ sách. Chính quyền cách mạng "
    "lâm thời ra mắt nhân dân trong tiếng hô vang dậy. Ủy ban nhân dân xã do đồng chí Trần Đức "
    "Thắng làm Chủ tịch đã khẳng định quyết tâm giữ vững thành quả cách mạng.",
    "Những năm kháng chiến chống thực dân Pháp (1946 - 1954), Nghĩa Trung là vùng tạm chiếm. "
    "Giặc đóng bốt ở đầu cầu Bến Đò, càn quét liên miên, đốt phá 312 nóc nhà, bắn giết 47 người. "
    "Chi bộ rút vào hoạt động bí mật, xây dựng làng chiến đấu, đào hầm nuôi giấu cán bộ. Du kích "
    "xã phối hợp với bộ đội địa phương đánh 26 trận lớn nhỏ, diệt và làm bị thương hơn một trăm "
    "tên địch, thu 58 khẩu súng các loại, luôn sẵn sàng chiến đấu.",
    "Sau ngày hòa bình lập lại, Đảng bộ lãnh đạo nhân dân khôi phục sản xuất, hàn khẩu đê, nạo "
    "vét mương máng. Thực hiện Nghị quyết Trung ương lần thứ mười sáu (khóa II) về hợp tác hóa "
    "nông nghiệp, cuối năm 1959 toàn xã đã thành lập 14 hợp tác xã bậc thấp, thu hút 86 phần "
    "trăm số hộ nông dân. Đến năm 1962, các hợp tác xã được hợp nhất thành ba hợp tác xã bậc cao "
    "quy mô thôn, có sân phơi, nhà kho, trại chăn nuôi và đội thủy lợi riêng.",
    "Trong cuộc kháng chiến chống Mỹ, cứu nước, Nghĩa Trung vừa sản xuất vừa chiến đấu. Khẩu hiệu "
    "thóc không thiếu một cân, quân không thiếu một người được cả xã thực hiện nghiêm túc. Từ năm "
    "1965 đến năm 1975, xã đã tiễn 1.126 thanh niên lên đường nhập ngũ; 214 người đã anh dũng hy "
    "sinh, 97 người là thương binh. Hợp tác xã Đông Thượng ba năm liền đạt năm tấn thóc trên một "
    "héc-ta, được Chính phủ tặng Huân chương Lao động hạng Ba.",
    "Bước vào thời kỳ cả nước đi lên chủ nghĩa xã hội, Đảng bộ gặp không ít khó khăn: giá cả leo "
    "thang, vật tư thiếu thốn, đời sống xã viên sa sút. Thực hiện Chỉ thị 100-CT/TW ngày 13 tháng "
    "1 năm 1981 của Ban Bí thư về khoán sản phẩm đến nhóm và người lao động, năng suất lúa tăng "
    "từ 3,2 tấn lên 4,6 tấn một héc-ta. Năm 1988, Nghị quyết 10-NQ/TW của Bộ Chính trị về đổi mới "
    "quản lý kinh tế nông nghiệp được triển khai, giao ruộng ổn định lâu dài cho hộ xã viên.",
    "Đại hội Đảng bộ xã lần thứ XV (tháng 4 năm 1991) đề ra mục tiêu: giữ vững an ninh, chuyển "
    "dịch cơ cấu cây trồng, phát triển nghề dệt chiếu, mây tre đan và nuôi thả cá. Đến năm 1995, "
    "100 phần trăm số thôn có điện lưới, 5 trên 7 thôn có đường lát gạch, tỷ lệ hộ nghèo giảm "
    "còn 8,5 phần trăm. Trường tiểu học và trạm y tế xã được xây mới, khang trang, sạch đẹp; "
    "phong trào văn nghệ, thể thao diễn ra sôi nổi, mạnh mẽ.",
    "Nhìn lại chặng đường sáu mươi lăm năm, Đảng bộ xã rút ra những bài học quý: luôn giữ vững sự "
    "đoàn kết thống nhất trong Đảng, gắn bó máu thịt với nhân dân; kiên trì bám sát thực tiễn "
    "địa phương, mạnh dạn đổi mới; chăm lo xây dựng đội ngũ cán bộ, đảng viên trẻ, có đủ phẩm "
    "chất và năng lực. Những bài học ấy vẫn còn nguyên giá trị, là hành trang để các thế hệ hôm "
    "nay và mai sau vững bước, xứng đáng với sự hy sinh của lớp người đi trước.",
    "Bảng tổng hợp đảng viên qua các kỳ Đại hội: năm 1946 có 19 đảng viên, năm 1960 có 143, năm "
    "1975 có 386, năm 1990 có 451 đảng viên sinh hoạt ở 12 chi bộ. Các đồng chí Bí thư Đảng ủy "
    "qua các thời kỳ: Nguyễn Văn Kỷ, Trần Đức Thắng, Phạm Thị Lụa, Đỗ Hữu Nghị, Vũ Đình Sửu. "
    "Ghi chép này được biên soạn từ hồi ký của các cụ lão thành, sổ sách lưu trữ của huyện và "
    "lời kể của nhân chứng, có chỗ còn chưa rõ, chưa đầy đủ, mong bạn đọc góp ý bổ sung.",
))

BULLETIN_TITLE = "BẢN TIN SINH HOẠT CHI BỘ THÁNG 9/2023"

BULLETIN: tuple[str, ...] = tuple(nfc(p) for p in (
    "Thực hiện Kế hoạch số 45-KH/ĐU ngày 05/9/2023 của Đảng ủy xã Nghĩa Trung, 12 chi bộ đã tổ "
    "chức sinh hoạt chuyên đề về học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh. "
    "Tỷ lệ đảng viên dự sinh hoạt đạt 96,5%; 19 ý kiến phát biểu tập trung vào việc giữ gìn vệ "
    "sinh môi trường và chuyển đổi số ở thôn.",
    "Đảng ủy đề nghị các chi bộ tiếp tục rà soát danh sách quần chúng ưu tú để bồi dưỡng, xem xét "
    "kết nạp trong quý IV năm 2023; chỉ đạo thu hoạch lúa mùa gọn, nhanh, phòng chống lụt bão và "
    "chuẩn bị sẵn sàng cho vụ đông. Mọi thắc mắc xin liên hệ Văn phòng Đảng ủy, số điện thoại "
    "0227.3812.456.",
))

TEXTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "history": (nfc(HISTORY_TITLE), HISTORY),
    "bulletin": (nfc(BULLETIN_TITLE), BULLETIN),
}
