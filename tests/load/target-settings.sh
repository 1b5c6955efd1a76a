# Sourced by profile.sh and memory.sh: BrandBot's settings for one load target, as the harness writes them
# (Redis on REDIS_PORT, the account and key the corpora were signed with, no replay window, no rate limit).
#   write_target_settings FILE REDIS_PORT RULES_FILE
write_target_settings() {
  cat > "$1" <<JSON
{ "Logging": { "LogLevel": { "Default": "Warning" } },
  "BrandBot": { "Redis": "127.0.0.1:$2", "ReplayWindowSeconds": 0, "RateLimit": { "PerFollower": 1000000 },
    "Accounts": [ { "Name": "demo", "AppId": "wx1234567890abcdef", "Token": "loadTestToken",
      "EncodingAESKey": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "RulesFile": "$3" } ] } }
JSON
}
