"""The demo (`flask --app portal seed-demo`): units, staff for every role, councils and a few
years of initiatives, made through the areas' own operations. Outside the areas: nothing in
production imports it."""
