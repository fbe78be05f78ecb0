"""Star levels and the 100-point scale (Decision 148/QĐ-TTg)."""

MIN_STARS = 1
MAX_STARS = 5

# (stars, lowest score, highest score), both ends included.
STAR_BANDS = (
    (1, 0, 29),
    (2, 30, 49),
    (3, 50, 69),
    (4, 70, 89),
    (5, 90, 100),
)


def stars_for_score(score):
    for stars, lowest, highest in STAR_BANDS:
        if lowest <= score <= highest:
            return stars
    raise ValueError(f"An OCOP score is between 0 and 100, not {score}.")


def score_band(stars):
    for band_stars, lowest, highest in STAR_BANDS:
        if band_stars == stars:
            return lowest, highest
    raise ValueError(f"An OCOP star level is between 1 and 5, not {stars}.")
