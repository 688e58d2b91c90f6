"""The national Smart City framework: six dimensions with three elements each, the five
evaluation aspects and the five kinds of programme.

These are fixed by the ministry's masterplan model (2017, revised guide 2021; see
../shared/docs/domain.md §1.3 and §1.6). A cycle's instrument refers to them by code, and so does a
region's masterplan, which is how a programme can be cited as evidence for an indicator.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.texts import reads_english


@dataclass(frozen=True)
class Element:
    code: str
    name_id: str
    name_en: str

    @property
    def label(self) -> str:
        """The element's name in the language active now (English only on English pages)."""
        return self.name_en if reads_english() else self.name_id


@dataclass(frozen=True)
class Dimension:
    """``name`` is the programme's own name in both languages ("Smart Living"); ``name_id`` and
    ``name_en`` say what it covers."""

    code: str
    name: str
    name_id: str
    name_en: str
    elements: tuple[Element, ...]

    @property
    def label(self) -> str:
        """What the dimension covers, in the language active now."""
        return self.name_en if reads_english() else self.name_id


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "GOV",
        "Smart Governance",
        "Tata kelola pemerintahan",
        "Government and governance",
        (
            Element("GOV.SVC", "Layanan Publik", "Public service"),
            Element("GOV.BUR", "Tata Kelola Birokrasi", "Bureaucracy"),
            Element("GOV.POL", "Kebijakan Publik", "Public policy"),
        ),
    ),
    Dimension(
        "BRA",
        "Smart Branding",
        "Pemasaran daerah",
        "Regional marketing",
        (
            Element("BRA.TOU", "Branding Pariwisata", "Tourism branding"),
            Element("BRA.BUS", "Branding Bisnis", "Business branding"),
            Element("BRA.APP", "Branding Wajah Kota", "City appearance branding"),
        ),
    ),
    Dimension(
        "ECO",
        "Smart Economy",
        "Ekonomi",
        "Economy",
        (
            Element("ECO.IND", "Ekosistem Industri", "Industry"),
            Element("ECO.WEL", "Kesejahteraan Masyarakat", "Welfare"),
            Element("ECO.TRX", "Ekosistem Transaksi Keuangan", "Transaction"),
        ),
    ),
    Dimension(
        "LIV",
        "Smart Living",
        "Lingkungan hidup dan permukiman",
        "Living and settlements",
        (
            Element("LIV.HAR", "Keselarasan Tata Ruang", "Harmony"),
            Element("LIV.HEA", "Kesehatan", "Health"),
            Element("LIV.MOB", "Mobilitas", "Mobility"),
        ),
    ),
    Dimension(
        "SOC",
        "Smart Society",
        "Masyarakat",
        "Society",
        (
            Element("SOC.COM", "Komunitas Masyarakat", "Community"),
            Element("SOC.LEA", "Ekosistem Belajar", "Learning"),
            Element("SOC.SEC", "Keamanan Masyarakat", "Security"),
        ),
    ),
    Dimension(
        "ENV",
        "Smart Environment",
        "Lingkungan",
        "Environment",
        (
            Element("ENV.PRO", "Perlindungan Lingkungan", "Protection"),
            Element("ENV.WAS", "Tata Kelola Sampah dan Limbah", "Waste"),
            Element("ENV.ENE", "Tata Kelola Energi", "Energy"),
        ),
    ),
)

DIMENSION_BY_CODE = {d.code: d for d in DIMENSIONS}
ELEMENT_BY_CODE = {e.code: e for d in DIMENSIONS for e in d.elements}


def element_label(code: str) -> str:
    """An element's name in the active language; an unknown code is returned as it is."""
    element = ELEMENT_BY_CODE.get(code)
    return element.label if element else code


class DimensionCode(models.TextChoices):
    GOV = "GOV", "Smart Governance"
    BRA = "BRA", "Smart Branding"
    ECO = "ECO", "Smart Economy"
    LIV = "LIV", "Smart Living"
    SOC = "SOC", "Smart Society"
    ENV = "ENV", "Smart Environment"


ElementCode = models.TextChoices(
    "ElementCode",
    [(e.code.replace(".", "_"), (e.code, e.name_id)) for e in ELEMENT_BY_CODE.values()],
)


class Aspect(models.TextChoices):
    """The five evaluation aspects of the ministry's evaluation guide (2021, version 2.0)."""

    BASELINE = "baseline", _("Baseline")
    OUTPUT = "output", _("Output")
    OUTCOME = "outcome", _("Outcome")
    IMPACT = "impact", _("Impact")
    QUICK_WIN = "quick_win", _("Quick Win")


# One published set of aspect weights (percent); each cycle stores its own.
DEFAULT_ASPECT_WEIGHTS = {
    Aspect.BASELINE: 10,
    Aspect.OUTPUT: 20,
    Aspect.OUTCOME: 30,
    Aspect.IMPACT: 30,
    Aspect.QUICK_WIN: 10,
}


class ProgramKind(models.TextChoices):
    """The five kinds of smart city programme a region builds through."""

    REGULATION = "regulation", _("Regulasi")
    INFRASTRUCTURE = "infrastructure", _("Infrastruktur")
    APPLICATION = "application", _("Aplikasi")
    ICT_HR = "ict_hr", _("SDM TIK")
    COOPERATION = "cooperation", _("Kerja sama antarlembaga")
