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
percent(fraction) := concat("", [_tenths_text(round(fraction * 1000)), "%"])

# METADATA
# description: Formats a number with one decimal, rounded to the nearest tenth.
one_decimal(number) := _tenths_text(round(number * 10))

# METADATA
# description: |-
#   Joins a set or array of names into a sorted, comma-separated list, or
#   "none" when it is empty.
names(collection) := concat(", ", sort(collection)) if count(collection) > 0

names(collection) := "none" if count(collection) == 0

# METADATA
# description: Wraps a string in double quotes for a message.
quoted(text) := concat("", ["\"", text, "\""])

# Formats an integral count of tenths as "<whole>.<tenth>", with a minus sign
# for negative counts.
_tenths_text(tenths) := concat("", [_sign(tenths), format_int(whole, 10), ".", format_int(tenth, 10)]) if {
	magnitude := abs(tenths)
	tenth := magnitude % 10
	whole := (magnitude - tenth) / 10
}

_sign(tenths) := "-" if tenths < 0

_sign(tenths) := "" if tenths >= 0
