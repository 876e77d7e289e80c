"""The people of the test CAS server: their passwords and the attributes the server releases for them.

Attribute names follow what Chinese campus CAS servers commonly release and Jiesu's defaults
(``JIESU_CAS_ATTR_*``): employeeNumber (学号/工号), cn (姓名), userType (身份), ou (单位).
"""

PASSWORD = "cas-Pa55word!"

PEOPLE: dict[str, dict[str, str]] = {
    # A student the school knows only through CAS: a new Jiesu person on first sign-in.
    "2023010001": {"employeeNumber": "2023010001", "cn": "林晓", "userType": "本科生", "ou": "计算机学院"},
    # A teacher (工号 T1001).
    "t1001": {"employeeNumber": "T1001", "cn": "周明", "userType": "教师", "ou": "教务处"},
    # A CAS account that shares a local account's user name: must never become the local administrator.
    "admin": {"employeeNumber": "2023019999", "cn": "同名学生", "userType": "学生", "ou": "外国语学院"},
}
