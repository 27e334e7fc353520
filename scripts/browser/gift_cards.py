"""Gift cards in headless Chromium: the buyer's reveal page and the console's gift-card pages.

Usage: gift_cards.py BASE_URL ADMIN_TOKEN ORDERS.json SCREENSHOT_DIR

ORDERS.json: {"orders": [{"ref", "locale", "url" (the /cards/{token} link), "quantity", "fulfilled",
"cards": [{"code", "serial"}]}]}.

- Reveal page, at phone width (390x844), per order: the landing must hold no code or serial, in its text
  or its source; after the button every code and serial must be in the page's visible text; in Arabic
  each code and serial is measured (console_crawl.py's measurement, through onscreen.py) to read left to
  right on screen.
- Console, signed in as the owner: for French, Arabic and English (switched by the console's own
  language links) at desktop (1280x900) and phone (390x844) width, the gift-card list and each order's
  page, then every link on them: each must answer 200 with HTML of that language, never JSON or "404",
  and stay under /console. In Arabic every left-to-right run of the list, the order pages and the
  revealed page (ids, refs, times, masked contacts, counts) is measured too. Then per order, in one language each, the check and resend forms (good), the
  contact form with a phone "12" and the settle form with an orderId that is not a candidate (bad: the
  page must show an error). No code or serial may be in the source of any console page.
- Screenshots (viewport) go to SCREENSHOT_DIR as gift-card-*.png.
Prints one JSON object.
"""
import json
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chromium  # noqa: E402
import onscreen  # noqa: E402
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

base, token, orders_file, shots = sys.argv[1:5]
with open(orders_file, encoding="utf-8") as file:
    orders = json.load(file)["orders"]
LANGS = ("fr", "ar", "en")
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
SECRETS = [secret for order in orders for card in order["cards"] for secret in (card["code"], card["serial"])]

result = {"reveal": {}, "console": {}, "forms": [], "failures": [], "outsideLinks": [], "secretsShown": [],
          "measurements": {}, "screenshots": [], "overflow": []}
failures = result["failures"]


def fail(where, what):
    failures.append(f"{where}: {what}")


driver = chromium.start(*SIZES["phone"])
# Headless Chromium opens no narrower than 500 px, whatever --window-size says: sized again, it obeys.
driver.set_window_size(*SIZES["phone"])
helpers = onscreen.load(driver, result, fail)
STATE, wait_next, measure_string, visual_order = (
    helpers["STATE"], helpers["wait_next"], helpers["measure_string"], helpers["visual_order"])


def measure_ltr_runs(where):
    """console_crawl.py's runs: every `dir=ltr` element and every `bdi`, but for a `bdi` of Arabic words (a
    language's name), which reads right to left as it should."""
    for run in driver.find_elements(By.CSS_SELECTOR, "body [dir=ltr], body bdi"):
        text = run.text
        if text.strip() and (run.get_attribute("dir") == "ltr" or not re.search("[\u0600-\u06ff]", text)):
            visual_order(run, where)


def state():
    return driver.execute_script(STATE)


def shot(file):
    driver.save_screenshot(os.path.join(shots, file))
    result["screenshots"].append(file)


def no_secrets(where):
    """No code or serial in the page's source, the text and every attribute included."""
    source = driver.page_source
    for secret in SECRETS:
        if secret in source:
            result["secretsShown"].append(f"{where}: {secret}")


def fits_width():
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


# ------------------------------------------------------------------------------------------ reveal --
def reveal(order):
    ref, lang = order["ref"], order["locale"]
    where = f"reveal {ref} ({lang})"
    entry = result["reveal"][ref] = {}
    driver.get(order["url"])
    s = state()
    entry.update(status=s["status"], lang=s["lang"], dir=s["dir"], landingText=s["text"])
    if s["status"] != 200:
        fail(where, f"landing answered {s['status']}")
    if s["lang"] != lang or s["dir"] != ("rtl" if lang == "ar" else "ltr"):
        fail(where, f"html lang={s['lang']!r} dir={s['dir']!r}")
    source = driver.page_source
    entry["landingShows"] = [secret for card in order["cards"] for secret in (card["code"], card["serial"])
                             if secret in source or secret in s["text"]]
    entry["landingFits"] = fits_width()
    shot(f"gift-card-reveal-{lang}.png")

    old = driver.find_element(By.TAG_NAME, "html")
    WebDriverWait(driver, 15).until(expected_conditions.element_to_be_clickable((By.ID, "show"))).click()
    wait_next(old)
    WebDriverWait(driver, 15).until(expected_conditions.presence_of_element_located((By.ID, "code-1")))
    s = state()
    entry.update(revealedStatus=s["status"], revealedText=s["text"], revealedFits=fits_width())
    entry["missing"] = [secret for card in order["cards"] for secret in (card["code"], card["serial"])
                        if secret not in s["text"]]
    entry["shownCodes"] = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "output.code")]
    # On how many lines each code shows at this width (a long code wraps in its box).
    entry["codeLines"] = driver.execute_script(
        """return Array.from(document.querySelectorAll('output.code')).map(e => {
          const r = document.createRange(); r.selectNodeContents(e);
          return new Set(Array.from(r.getClientRects()).map(b => Math.round(b.top))).size; })""")
    shot(f"gift-card-revealed-{lang}.png")
    if lang == "ar":
        for card in order["cards"]:
            measure_string("Arabic gift-card reveal page", card["code"])
            measure_string("Arabic gift-card reveal page", card["serial"])
        visual_order(driver.find_element(By.CSS_SELECTOR, "dd bdi[dir=ltr]"), "Arabic gift-card reveal page ref",
                     ref)
        measure_ltr_runs("Arabic gift-card reveal page runs")


# ----------------------------------------------------------------------------------------- console --
def check_page(where, lang, expect_error=False):
    s = state()
    if not s["url"].startswith(base + "/console"):
        fail(where, f"left the console for {s['url']}")
    if s["type"] != "text/html":
        fail(where, f"content type {s['type']}, not HTML")
    if s["text"].lstrip().startswith("{") or '"error"' in s["text"][:200]:
        fail(where, f"shows JSON: {s['text'][:120]!r}")
    if s["status"] != 200:
        fail(where, f"HTTP status {s['status']}")
    if re.search(r"\b404\b", s["text"]):
        fail(where, "says 404")
    if lang and (s["lang"] != lang or s["dir"] != ("rtl" if lang == "ar" else "ltr")):
        fail(where, f"html lang={s['lang']!r} dir={s['dir']!r} for {lang}")
    errors = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".error") if e.text.strip()]
    if expect_error and not errors:
        fail(where, f"a bad value shows no error box (notice: {s['error'][:160]!r})")
    if not expect_error and errors:
        fail(where, f"shows an error: {errors}")
    no_secrets(where)
    s["errors"] = " | ".join(errors)
    return s


def switch_language(lang):
    """The console's own switch: its language link, on the gift-card list."""
    driver.get(base + "/console/gift-cards")
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, f"header nav a[lang={lang}]").click()
    wait_next(old)
    s = state()
    if s["lang"] != lang or not s["url"].startswith(base + "/console/gift-cards"):
        fail(f"language switch to {lang}", f"landed on {s['url']} in {s['lang']!r}")


def links():
    return driver.execute_script("return Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")


def visit(lang, size):
    name = f"{lang}-{size}"
    pages = [base + "/console/gift-cards"] + [base + "/console/gift-cards/" + o["ref"] for o in orders]
    visited, seen, found = [], set(pages), []
    for url in pages:
        driver.get(url)
        visited.append(url[len(base):])
        check_page(f"{name} {url[len(base):]}", lang)
        if size == "phone" and not fits_width():
            result["overflow"].append(f"{name} {url[len(base):]}")
        if size == "desktop" and lang in ("fr", "ar") and url == pages[0]:
            shot(f"gift-card-console-list-{lang}.png")
        if size == "desktop" and lang == "fr" and url.endswith("/" + orders[1]["ref"]):
            shot("gift-card-console-order-fr.png")
        if size == "phone" and lang == "ar" and url.endswith("/" + orders[0]["ref"]):
            shot("gift-card-console-order-ar-phone.png")
        if lang == "ar" and url == pages[0]:
            measure_ltr_runs(f"Arabic gift-card list {size} runs")
        if lang == "ar" and url != pages[0]:
            ref = url.rsplit("/", 1)[1]
            visual_order(driver.find_element(By.CSS_SELECTOR, "h1 bdi.id"), f"Arabic gift-card order {size} ref",
                         ref)
            measure_ltr_runs(f"Arabic gift-card order {size} runs")
        for href in links():
            href = href.split("#")[0]
            if not href.startswith(base + "/console"):
                result["outsideLinks"].append(f"{url[len(base):]} -> {href}")
                continue
            if "lang" in dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(href).query)):
                continue  # the language switch, which this walk uses for each language
            if href not in seen:
                seen.add(href)
                found.append(href)
    for href in found:
        driver.get(href)
        visited.append(href[len(base):])
        check_page(f"{name} link {href[len(base):]}", lang)
    result["console"][name] = visited


def submit(order, form_selector, what, lang, expect_error=False, prepare=None):
    page = base + "/console/gift-cards/" + order["ref"]
    driver.get(page)
    form = driver.find_element(By.CSS_SELECTOR, form_selector)
    if prepare:
        prepare(form)
    old = driver.find_element(By.TAG_NAME, "html")
    driver.execute_script("arguments[0].noValidate = true", form)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_next(old)
    where = f"submit {what} on {order['ref']} ({lang})"
    s = check_page(where, lang, expect_error=expect_error)
    if not s["url"].startswith(page):
        fail(where, f"came back to {s['url']}, not the order's page")
    notice = driver.execute_script(
        "const n = document.querySelector('p.notice'); return n ? n.innerText : ''")
    result["forms"].append({"form": what, "ref": order["ref"], "lang": lang, "status": s["status"],
                            "url": s["url"][len(base):], "notice": notice, "error": s["errors"][:200]})
    if not expect_error and not notice.strip():
        fail(where, "says nothing about what happened")


def settle_form(form):
    """The settle form is on an UNCERTAIN order's page only: the same form, built on this order's page
    with the session's CSRF token and an orderId that is no candidate of it."""
    driver.execute_script(
        """const page = arguments[0]; const f = document.createElement('form');
        f.method = 'post'; f.action = page.action.replace(/\\/check$/, '/settle'); f.id = 'settle';
        f.innerHTML = '<input type="hidden" name="csrf"><input type="hidden" name="orderId" value="not-a-candidate-1">'
          + '<button type="submit">settle</button>';
        f.querySelector('[name=csrf]').value = page.querySelector('[name=csrf]').value;
        page.after(f);""", form)


def phone_12(form):
    element = form.find_element(By.NAME, "phone")
    driver.execute_script("arguments[0].type = 'text'; arguments[0].value = '12'", element)


def forms():
    driver.set_window_size(*SIZES["desktop"])
    for order, lang in zip(orders, LANGS):
        switch_language(lang)
        submit(order, "form[action$='/check']", "check", lang)
        submit(order, "form[action$='/resend']", "resend", lang)
        submit(order, "form[action$='/contact']", "contact phone 12", lang, True, phone_12)
        driver.get(base + "/console/gift-cards/" + order["ref"])
        settle_form(driver.find_element(By.CSS_SELECTOR, "form[action$='/check']"))
        old = driver.find_element(By.TAG_NAME, "html")
        driver.find_element(By.CSS_SELECTOR, "#settle button").click()
        wait_next(old)
        where = f"submit settle wrong orderId on {order['ref']} ({lang})"
        s = check_page(where, lang, expect_error=True)
        if not s["url"].startswith(base + "/console/gift-cards/" + order["ref"]):
            fail(where, f"came back to {s['url']}, not the order's page")
        result["forms"].append({"form": "settle wrong orderId", "ref": order["ref"], "lang": lang,
                                "status": s["status"], "url": s["url"][len(base):], "error": s["errors"][:200]})


try:
    for order in orders:
        reveal(order)

    driver.set_window_size(*SIZES["desktop"])
    driver.get(base + "/console/login")
    driver.find_element(By.ID, "token").send_keys(token)
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_next(old)
    result["signedIn"] = driver.current_url.rstrip("/").endswith("/console")
    for size, (width, height) in SIZES.items():
        driver.set_window_size(width, height)
        for lang in LANGS:
            switch_language(lang)
            visit(lang, size)
    forms()
    result["consoleErrors"] = [
        entry["message"] for entry in driver.get_log("browser")
        if entry.get("level") == "SEVERE" and "favicon" not in entry["message"]
    ]
except Exception as error:  # noqa: BLE001 - reported, and the test fails on it
    failures.append(f"script stopped: {type(error).__name__}: {str(error)[:400]}")
finally:
    driver.quit()
print(json.dumps(result, ensure_ascii=False))
