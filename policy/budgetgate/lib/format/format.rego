# METADATA
# title: Number and list formatting for messages
# description: |-
#   Formats numbers and name lists for violation messages. Under Wasm, sprintf
#   runs in JavaScript (sprintf-js) and under OPA it runs in Go, and the two
#   print numbers differently, so these helpers build strings from integers
#   with format_int and never pass a number to sprintf.
package budgetgate.lib.format

# METADATA
# description: |-
#   Formats a fraction as a percentage with one decimal: 0.18 is "18.0%" and
#   -0.05 is "-5.0%".
percent(fraction) := concat("", [_tenths_text(_stable_round(fraction * 1000)), "%"])

# METADATA
# description: Formats a number with one decimal, rounded to the nearest tenth.
one_decimal(number) := _tenths_text(_stable_round(number * 10))

# METADATA
# description: |-
#   Joins a set or array of names into a sorted, comma-separated list, or
#   "none" when it is empty.
names(collection) := concat(", ", sort(collection)) if count(collection) > 0

names(collection) := "none" if count(collection) == 0

# METADATA
# description: Wraps a string in double quotes for a message.
quoted(text) := concat("", ["\"", text, "\""])

# Rounds to the nearest integer, first to thousandths. OPA multiplies decimals
# exactly (0.0315 * 1000 is 31.499999999999999998) while Wasm uses binary
# floating point (31.5), so rounding the product once can differ by one between
# them at ties; rounding to thousandths first makes both see 31.5.
_stable_round(value) := round(round(value * 1000) / 1000)

# Formats an integral count of tenths as "<whole>.<tenth>", with a minus sign
# for negative counts.
_tenths_text(tenths) := concat("", [_sign(tenths), format_int(whole, 10), ".", format_int(tenth, 10)]) if {
	magnitude := abs(tenths)
	tenth := magnitude % 10
	whole := (magnitude - tenth) / 10
}

_sign(tenths) := "-" if tenths < 0

_sign(tenths) := "" if tenths >= 0
