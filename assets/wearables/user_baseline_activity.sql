-- Each user's personal baseline: the median steps of their first 14 active days (steps > 0, in date order; the
-- median of 14 values is the mean of the 7th and 8th), with the window's first and last dates. A user with fewer
-- than 14 active days gets a baseline from the active days there are, marked is_baseline_complete = false; a user
-- with none gets no baseline (null) and 0 days.
with days as (
    select * from {{ ref('user_daily_activity') }}
),

settings as (
    select 14 as baseline_active_days
),

users as (
    select
        user_id,
        min(activity_date)                          as first_date,
        max(activity_date) filter (where has_record) as last_record_date,
        count(*) filter (where has_record)::integer    as recorded_days,
        count(*) filter (where is_active_day)::integer as active_days
    from days
    group by user_id
),

baseline_days as (
    select d.*
    from days d
    cross join settings s
    where d.active_day_number <= s.baseline_active_days
),

baselines as (
    select
        user_id,
        quantile_cont(steps, 0.5)   as baseline_steps,
        min(activity_date)          as baseline_start_date,
        max(activity_date)          as baseline_end_date,
        count(*)::integer           as baseline_active_days
    from baseline_days
    group by user_id
),

final as (
    select
        u.user_id,
        b.baseline_steps,
        b.baseline_start_date,
        b.baseline_end_date,
        coalesce(b.baseline_active_days, 0)                          as baseline_active_days,
        coalesce(b.baseline_active_days, 0) = s.baseline_active_days as is_baseline_complete,
        u.first_date,
        u.last_record_date,
        u.recorded_days,
        u.active_days
    from users u
    cross join settings s
    left join baselines b
      on b.user_id = u.user_id
)

select * from final
order by user_id
