"""The yardstick for throughput: bare Flask rendering one small Jinja template, nothing else."""

from pathlib import Path

from flask import Flask, render_template

app = Flask(__name__, static_folder=None, template_folder=str(Path(__file__).parent / "templates"))


@app.route("/")
def page():
    return render_template("reference.html", title="Reference page", items=range(5))
