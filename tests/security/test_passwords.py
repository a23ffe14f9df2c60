"""Password rules (issue 11, item 9): at least 10 characters, not the user name, not a common
password; enforced on create (service, admin form, CLI), own change and admin reset."""
import pytest

from app.accounts import passwords
from app.accounts.accounts import create_user
from app.core.errors import ServiceError
from app.demo.seed import DEMO_PASSWORD
from models import User, db
from tests.factories import PASSWORD


@pytest.mark.parametrize("password, reason", [
    ("12345678", "minimal 10"),
    ("password", "minimal 10"),
    ("1234567890", "terlalu umum"),
    ("password123", "terlalu umum"),
    ("Password2026!", "terlalu umum"),
    ("bismillah123", "terlalu umum"),
    ("Indonesia2026", "terlalu umum"),
    ("sayangku123", "terlalu umum"),
    ("rahasia123", "terlalu umum"),
    ("qwertyuiop", "terlalu umum"),
    ("aaaaaaaaaaaa", "terlalu umum"),
    ("operator.dinsos", "nama pengguna"),
    ("OPERATOR.DINSOS", "nama pengguna"),
    ("operator.dinsos-2026", "nama pengguna"),
])
def test_weak_passwords_are_refused(password, reason):
    with pytest.raises(ServiceError) as exc:
        passwords.check(password, "operator.dinsos")
    assert reason in exc.value.message.lower() and exc.value.field == "password"


@pytest.mark.parametrize("password", [PASSWORD, DEMO_PASSWORD, "kopi-pagi-di-bappeda",
                                      "Sungai Musi 1987"])
def test_reasonable_passwords_pass(password):
    passwords.check(password, "operator.dinsos")


def test_the_shipped_list_is_small_and_covers_indonesian_favourites():
    words = passwords.common_passwords()
    assert 300 < len(words) < 5000
    assert {"bismillah", "indonesia", "sayangku", "rahasia", "password", "qwerty"} <= words


def test_create_refuses_the_username_as_password(app):
    with pytest.raises(ServiceError, match="nama pengguna"):
        create_user("bendahara.dinkes", "bendahara.dinkes", "viewer")
    assert db.session.query(User).filter_by(username="bendahara.dinkes").count() == 0


def test_admin_form_refuses_weak_passwords_on_create_and_reset(client, make, login):
    login(make.user("admin"))
    form = {"username": "staf.bappeda", "full_name": "Staf", "role": "viewer", "opd_id": 0,
            "active": "y"}
    resp = client.post("/admin/pengguna/baru", data={**form, "password": "12345678"})
    assert "Minimal 10 karakter" in resp.get_data(as_text=True)
    resp = client.post("/admin/pengguna/baru", data={**form, "password": "staf.bappeda1"})
    assert "tidak boleh memuat nama pengguna" in resp.get_data(as_text=True)
    assert db.session.query(User).filter_by(username="staf.bappeda").count() == 0
    u = make.user("viewer")
    before = u.password_hash
    resp = client.post(f"/admin/pengguna/{u.id}", data={
        **form, "username": u.username, "password": "bismillah2026"})
    assert "terlalu umum" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, u.id).password_hash == before


def test_own_change_refuses_weak_passwords(client, make, login):
    u = login(make.user("viewer"))
    before = u.password_hash
    for weak in ("password", "password123", u.username + "-baru"):
        resp = client.post("/akun/kata-sandi", data={
            "current": make.PASSWORD, "password": weak, "confirm": weak})
        assert resp.status_code == 200
        page = resp.get_data(as_text=True)
        assert "Minimal 10" in page or "terlalu umum" in page or "nama pengguna" in page
    db.session.expire_all()
    assert db.session.get(User, u.id).password_hash == before


def test_cli_refuses_a_common_password(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "kasubbag", "--role", "viewer", "--password", "indonesia123"])
    assert result.exit_code != 0 and "terlalu umum" in result.output


PLACE = passwords.place_words("Pemerintah Kabupaten Lembah Harapan", "Kabupaten Lembah Harapan",
                              "Harapan Jaya")


@pytest.mark.parametrize("password", [
    "lembahharapan", "LembahHarapan2026!", "lembah-harapan-01", "L3mb4hH4r4p4n",
    "kabupatenlembahharapan", "harapanjaya2026", "Tagar2026!!xyz", "t4g4r-2026",
    "Lembah Harapan Jaya",
])
def test_the_pemdas_names_and_the_apps_name_are_refused(password):
    with pytest.raises(ServiceError, match="nama pemda"):
        passwords.check(password, "operator.dinsos", PLACE)


def test_other_place_names_and_passphrases_that_mention_a_name_pass():
    for password in ("kopi-pagi-di-bappeda", "Sungai Musi 1987", DEMO_PASSWORD,
                     "harapan-kopi-pagi-2026"):
        passwords.check(password, "operator.dinsos", PLACE)


def test_the_service_reads_the_names_from_the_settings(app):
    from app.reference.service import settings

    row = settings()
    row.region_name, row.city = "Kota Teluk Biru", "Teluk Biru"
    db.session.flush()
    with pytest.raises(ServiceError, match="nama pemda"):
        create_user("staf.baru", "telukbiru-2026", "viewer")


def test_the_current_password_is_refused_as_the_new_one(client, make, login):
    u = login(make.user("viewer"))
    resp = client.post("/akun/kata-sandi", data={
        "current": make.PASSWORD, "password": make.PASSWORD, "confirm": make.PASSWORD})
    assert resp.status_code == 200
    assert "berbeda dari kata sandi saat ini" in resp.get_data(as_text=True)
    before = u.password_hash
    db.session.expire_all()
    assert db.session.get(User, u.id).password_hash == before
