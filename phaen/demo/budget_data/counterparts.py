"""Counterparts (คู่สัญญา/ผู้ขาย) of the demo's orders and contracts in Nakhon Si Thammarat.

The names are made up for the demo; they only look like the hotels, shops and companies an
education office in the province buys from.
"""

from __future__ import annotations

HOTEL_GRAND = "โรงแรมศรีธรรมราชแกรนด์"
HOTEL_PALACE = "โรงแรมเมืองคอนพาเลซ"
HOTEL_RIVERVIEW = "โรงแรมท่าวังริเวอร์วิว"
HOTEL_THUNGSONG = "โรงแรมทุ่งสงฮิลล์วิว"
PRINTER = "ร้านนครการพิมพ์"
STATIONER = "ร้านเมืองคอนเครื่องเขียน"
CATERER = "ร้านครัวเมืองคอน"
ORGANISER = "บริษัท นครอีเวนท์ แอนด์ ออร์แกไนเซอร์ จำกัด"
IT_SHOP = "หจก. นครไอที ซิสเต็ม"
FUEL = "หจก. ท่าวังปิโตรเลียม"
