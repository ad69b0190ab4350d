-- Count one request against several rate limits at once (the prelude does the counting;
-- no keys or arguments of its own). Returns the 1-based index of the first limit exceeded,
-- or 0.
return over
