"""Drives the reveal page in headless Chromium, as a phone-sized screen.

Usage: reveal_page.py URL EXPECTED_CODE SCREENSHOT.png
Prints one JSON object: what the page showed before and after the click.
"""
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

url, code, screenshot = sys.argv[1:4]
options = Options()
options.binary_location = "/usr/bin/chromium"
for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=390,844"):
    options.add_argument(flag)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
# Chromium can be slow to come up on a loaded two-core machine: give it three tries.
driver = None
for attempt in range(3):
    try:
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        break
    except Exception:
        if attempt == 2:
            raise
        time.sleep(2)
try:
    driver.get(url)
    result = {
        "codeBeforeClick": code in driver.page_source,
        "dir": driver.execute_script("return document.documentElement.dir"),
        "lang": driver.execute_script("return document.documentElement.lang"),
    }
    WebDriverWait(driver, 15).until(expected_conditions.element_to_be_clickable((By.ID, "show"))).click()
    # The click submits a form: wait for the next page rather than reading the old one.
    shown = WebDriverWait(driver, 15).until(expected_conditions.presence_of_element_located((By.ID, "code")))
    result["shownCode"] = shown.text
    result["selectable"] = driver.execute_script("return getComputedStyle(arguments[0]).userSelect", shown)
    driver.find_element(By.ID, "copy").click()
    result["copyHandlerRan"] = driver.execute_script(
        "return navigator.clipboard ? 'clipboard' : 'no-clipboard'"
    )
    result["fitsWidth"] = driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    driver.save_screenshot(screenshot)
    result["consoleErrors"] = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    print(json.dumps(result))
finally:
    driver.quit()
