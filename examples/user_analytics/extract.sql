-- The seed extract step (user analytics), in the SQLite dialect.
-- The ds parameter is the logical date of the run, bound as a value (never pasted in).
SELECT
    u.id,
    u.email,
    u.name,
    u.created_at,
    COUNT(o.id)  AS order_count,
    SUM(o.total) AS total_spent
FROM users u
LEFT JOIN orders o ON u.id = o.user_id
WHERE u.created_at >= date({{ ds }}, '-1 day')
GROUP BY u.id, u.email, u.name, u.created_at
