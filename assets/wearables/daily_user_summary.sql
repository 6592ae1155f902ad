-- Activity and sleep per user and day: the user's activity calendar (with the baseline comparison) joined with the
-- sleep Fitbit dates to that day. A sleep day outside the activity calendar (before the user's first activity record,
-- or a user with sleep only) is kept, with no activity.
with activity as (
    select * from {{ ref('user_daily_activity') }}
),

deviation as (
    select * from {{ ref('user_activity_deviation') }}
),

sleep as (
    select * from {{ ref('stg_sleep') }}
),

activity_days as (
    select
        a.user_id,
        a.activity_date,
        a.has_record,
        a.steps,
        a.is_active_day,
        a.active_minutes,
        a.sedentary_minutes,
        a.total_distance_km,
        a.calories_kcal,
        a.hours_recorded,
        a.active_hours,
        d.baseline_steps,
        d.steps_ratio,
        d.steps_delta,
        d.in_baseline_window,
        d.is_baseline_complete,
        d.rolling_7d_steps_ratio
    from activity a
    join deviation d
      on d.user_id = a.user_id
     and d.activity_date = a.activity_date
),

final as (
    select
        coalesce(a.user_id, s.user_id)                  as user_id,
        coalesce(a.activity_date, s.sleep_date)         as activity_date,
        coalesce(a.has_record, false)                   as has_activity_record,
        s.user_id is not null                           as has_sleep_record,
        a.steps,
        coalesce(a.is_active_day, false)                as is_active_day,
        a.active_minutes,
        a.sedentary_minutes,
        a.total_distance_km,
        a.calories_kcal,
        coalesce(a.hours_recorded, 0)                   as hours_recorded,
        a.active_hours,
        a.baseline_steps,
        a.steps_ratio,
        a.steps_delta,
        coalesce(a.in_baseline_window, false)           as in_baseline_window,
        a.is_baseline_complete,
        a.rolling_7d_steps_ratio,
        s.sleep_records,
        s.minutes_asleep,
        s.minutes_in_bed
    from activity_days a
    full outer join sleep s
      on s.user_id = a.user_id
     and s.sleep_date = a.activity_date
)

select * from final
order by user_id, activity_date
