from getiickets.templatetags.money import format_naira


def test_kobo_is_shown_as_naira_with_thousands_separators():
    assert format_naira(1_250_000) == "₦12,500.00"
    assert format_naira(5) == "₦0.05"
    assert format_naira(0) == "₦0.00"
    assert format_naira(-150) == "-₦1.50"
