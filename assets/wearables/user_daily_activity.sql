-- One row per user and calendar day, from the user's first recorded day to the last day of the whole export, so that
-- a user who stops syncing shows as days without a record instead of disappearing. A day is active when its record
-- has steps > 0 (a day with a record but no steps is a day the tracker was not worn); active days are numbered per
-- user in date order (the baseline takes the first 14).
with activity as (
    select * from {{ ref('stg_daily_activity') }}
),

users as (
    select user_id, min(activity_date) as first_date
    from activity
    group by user_id
),

export_end as (
    select max(activity_date) as last_date
    from activity
),

calendar as (
    select
        u.user_id,
        u.first_date,
        unnest(generate_series(u.first_date::timestamp, e.last_date::timestamp, interval 1 day))::date as activity_date
    from users u
    cross join export_end e
),

days as (
    select
        c.user_id,
        c.activity_date,
        (date_diff('day', c.first_date, c.activity_date) + 1)::integer       as day_number,
        a.user_id is not null                                                 as has_record,
        a.steps,
        coalesce(a.steps > 0, false)                                          as is_active_day,
        a.very_active_minutes + a.fairly_active_minutes + a.lightly_active_minutes
                                                                              as active_minutes,
        a.very_active_minutes,
        a.fairly_active_minutes,
        a.lightly_active_minutes,
        a.sedentary_minutes,
        a.tracked_minutes,
        a.total_distance_km,
        a.calories_kcal,
        a.hourly_steps,
        coalesce(a.hours_recorded, 0)                                         as hours_recorded,
        a.active_hours,
        a.hourly_steps_match
    from calendar c
    left join activity a
      on a.user_id = c.user_id
     and a.activity_date = c.activity_date
),

final as (
    select
        user_id,
        activity_date,
        day_number,
        has_record,
        steps,
        is_active_day,
        case when is_active_day then
            (count(*) filter (where is_active_day) over (
                partition by user_id order by activity_date rows between unbounded preceding and current row
            ))::integer
        end                                                                   as active_day_number,
        active_minutes,
        very_active_minutes,
        fairly_active_minutes,
        lightly_active_minutes,
        sedentary_minutes,
        tracked_minutes,
        total_distance_km,
        calories_kcal,
        hourly_steps,
        hours_recorded,
        active_hours,
        hourly_steps_match
    from days
)

select * from final
order by user_id, activity_date
