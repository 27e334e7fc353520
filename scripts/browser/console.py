"""Drives the merchant console in headless Chromium, as a merchant would, on a phone-sized screen.

Usage: console.py BASE_URL ADMIN_TOKEN TOPUP_ID PHONE SCREENSHOT_DIR CANARY...
Signs in, finds the order by phone, opens it, resends its email, checks it now, corrects its phone,
runs a reconciliation, visits every page in French, Arabic and English (a screenshot each), signs out.
Prints one JSON object of what it saw.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chromium  # noqa: E402
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

base, token, topup_id, phone, shots = sys.argv[1:6]
canaries = sys.argv[6:]
driver = chromium.start()

result = {"pages": {}, "canariesFound": [], "unlabelled": 0, "notices": []}
UNLABELLED = """return Array.from(document.querySelectorAll('input:not([type=hidden]),select'))
  .filter(e => !(e.id && document.querySelector('label[for="' + e.id + '"]'))).length"""


def look(name):
    source = driver.page_source
    for canary in canaries:
        if canary and canary in source:
            result["canariesFound"].append(name)
    result["unlabelled"] += driver.execute_script(UNLABELLED)
    return source


def submit(selector):
    """Clicks a form's button and waits for the next page, so nothing is read from the old one."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, selector).click()

    def gone(_):
        # Chromium reports a node of a page already replaced either as stale or, when the new page came
        # fast enough, as "does not belong to the document"; both mean the next page is there.
        try:
            return expected_conditions.staleness_of(old)(driver)
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise

    WebDriverWait(driver, 15).until(gone)


def notice():
    found = driver.find_elements(By.CSS_SELECTOR, "p.notice")
    return found[0].text if found else ""


try:
    driver.get(base + "/console")
    result["redirectedToLogin"] = driver.current_url.endswith("/console/login")
    driver.find_element(By.ID, "token").send_keys(token)
    submit("form button[type=submit]")
    result["signedIn"] = driver.current_url.rstrip("/").endswith("/console")
    driver.get(base + "/console?lang=en")

    # Find the order by phone, open it, act on it.
    driver.get(base + "/console/orders")
    driver.find_element(By.ID, "q").send_keys(phone)
    submit("main form button[type=submit]")
    links = driver.find_elements(By.CSS_SELECTOR, "main table a")
    result["foundByPhone"] = [link.text for link in links]
    old = driver.find_element(By.TAG_NAME, "html")
    links[0].click()
    WebDriverWait(driver, 15).until(expected_conditions.staleness_of(old))
    Select(driver.find_element(By.ID, "channel")).select_by_value("email")
    submit("form[action$='/resend'] button")
    result["notices"].append(notice())
    submit("form[action$='/check'] button")
    result["notices"].append(notice())
    driver.find_element(By.ID, "phone").send_keys("0771234567")
    submit("form[action$='/contact'] button")
    result["notices"].append(notice())
    result["orderPageShowsActions"] = "CHECK_REQUESTED" in driver.page_source and "CONTACT_CHANGED" in driver.page_source

    driver.get(base + "/console/reconciliation")
    submit("main form button[type=submit]")
    result["reconciliationRan"] = "missing_upstream" in driver.page_source or "untracked" in driver.page_source \
        or "status_mismatch" in driver.page_source or "undelivered" in driver.page_source \
        or len(driver.find_elements(By.CSS_SELECTOR, "main table")) > 0 or "No differences" in driver.page_source

    for lang in ("fr", "ar", "en"):
        driver.get(base + "/console?lang=" + lang)
        pages = {
            "overview": "/console", "orders": "/console/orders", "order": "/console/orders/" + topup_id,
            "reconciliation": "/console/reconciliation?run=1", "webhooks": "/console/webhooks", "health": "/console/health",
        }
        for name, path in pages.items():
            driver.get(base + path)
            look(f"{name}-{lang}")
            result["pages"][f"{name}-{lang}"] = {
                "dir": driver.execute_script("return document.documentElement.dir"),
                "lang": driver.execute_script("return document.documentElement.lang"),
                "fitsWidth": driver.execute_script(
                    "return document.documentElement.scrollWidth <= window.innerWidth + 1"),
            }
            driver.save_screenshot(f"{shots}/console-{name}-{lang}.png")

    driver.get(base + "/console?lang=en")
    submit("form[action='/console/logout'] button")
    driver.get(base + "/console")
    result["signedOut"] = driver.current_url.endswith("/console/login")
    result["consoleErrors"] = [
        entry["message"] for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"
        and "favicon" not in entry["message"]
    ]
finally:
    driver.quit()
print(json.dumps(result))
