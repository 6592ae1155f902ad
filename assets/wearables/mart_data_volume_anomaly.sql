-- Data volume per calendar day: how many users have a daily activity record that day (rows of daily_user_summary
-- with has_activity_record), against the mean of the 7 calendar days before it (days without rows count as 0).
-- A day deviates when its count is more than 30 % above or below that mean. Days with fewer than 7 earlier days in
-- the data have no mean and no verdict (null); after a week of no rows at all (mean 0) any row is an anomaly.
with summary as (
    select * from {{ ref('daily_user_summary') }}
),

settings as (
    select 7 as trailing_days, 30.0 as threshold_pct
),

counts as (
    select activity_date, count(*)::integer as row_count
    from summary
    where has_activity_record
    group by activity_date
),

calendar as (
    select unnest(generate_series(min(activity_date)::timestamp, max(activity_date)::timestamp, interval 1 day))::date
        as activity_date
    from counts
),

daily as (
    select c.activity_date, coalesce(n.row_count, 0) as row_count
    from calendar c
    left join counts n
      on n.activity_date = c.activity_date
),

previous_week as (
    select
        *,
        avg(row_count) over previous_7_days     as mean_rows,
        (count(*) over previous_7_days)::integer as trailing_7d_days
    from daily
    window previous_7_days as (
        order by activity_date
        range between interval 7 days preceding and interval 1 day preceding
    )
),

final as (
    select
        t.activity_date,
        t.row_count,
        t.trailing_7d_days,
        case when t.trailing_7d_days = s.trailing_days then t.mean_rows end                     as trailing_7d_mean_rows,
        case when t.trailing_7d_days = s.trailing_days and t.mean_rows > 0
             then 100 * (t.row_count - t.mean_rows) / t.mean_rows end                           as deviation_pct,
        case
            when t.trailing_7d_days < s.trailing_days then null
            when t.mean_rows = 0 then t.row_count > 0
            else abs(100 * (t.row_count - t.mean_rows) / t.mean_rows) > s.threshold_pct
        end                                                                                     as is_anomaly
    from previous_week t
    cross join settings s
)

select * from final
order by activity_date
