package budgetgate.lib.format_test

import data.budgetgate.lib.format

test_percent_rounds_to_tenths if {
	format.percent(0.18) == "18.0%"
	format.percent(0.15000000000000002) == "15.0%"
	format.percent(0.12345) == "12.3%"
	format.percent(1 / 3) == "33.3%"
	format.percent(0.0005) == "0.1%"
	format.percent(0.00049) == "0.0%"
}

test_percent_whole_and_over_one if {
	format.percent(0) == "0.0%"
	format.percent(1) == "100.0%"
	format.percent(12.5) == "1250.0%"
}

test_percent_negative if {
	format.percent(-0.05) == "-5.0%"
	format.percent(-1.2345) == "-123.5%"
	format.percent(-0.0004) == "0.0%"
}

test_one_decimal if {
	format.one_decimal(15) == "15.0"
	format.one_decimal(1.5) == "1.5"
	format.one_decimal(23.44) == "23.4"
	format.one_decimal(23.46) == "23.5"
	format.one_decimal(-2.25) == "-2.3"
}

test_names_sorted_and_joined if {
	format.names({"prompt", "finance", "model"}) == "finance, model, prompt"
	format.names(["b", "a"]) == "a, b"
}

test_names_empty_is_none if {
	format.names(set()) == "none"
	format.names([]) == "none"
}

test_quoted if {
	format.quoted("dental") == "\"dental\""
	format.quoted("") == "\"\""
}
