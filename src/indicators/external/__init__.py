"""SSB: the StatBank and KLASS clients, JSON-stat, recorded answers (network code, tested on recorded answers)."""
