-- Daily activity per user and day, typed and named, with what the hourly steps say about the same day.
-- A user-day exported more than once (a row repeated, overlapping export periods, a copy of a file) is kept once:
-- the most complete row wins (most tracked minutes, then most steps, then the last file and line), because an
-- export taken during a day holds that day only in part. Hourly rows are kept once per user and hour the same way
-- (most steps), then summed per day; an hour is active at 250 steps or more (Fitbit's hourly reminder goal).
-- Hourly rows of a day without a daily row are not used: the daily file is the record of a day.
with daily as (
    select * from {{ ref('raw_fitbit_daily_activity') }}
),

hourly as (
    select * from {{ ref('raw_fitbit_hourly_steps') }}
),

daily_rows as (
    select
        trim(id)                              as user_id,
        activity_date,
        total_steps                           as steps,
        total_distance                        as total_distance_km,
        tracker_distance                      as tracker_distance_km,
        logged_activities_distance            as logged_activities_distance_km,
        very_active_distance                  as very_active_distance_km,
        moderately_active_distance            as moderately_active_distance_km,
        light_active_distance                 as light_active_distance_km,
        sedentary_active_distance             as sedentary_active_distance_km,
        very_active_minutes,
        fairly_active_minutes,
        lightly_active_minutes,
        sedentary_minutes,
        very_active_minutes + fairly_active_minutes + lightly_active_minutes + sedentary_minutes
                                              as tracked_minutes,
        calories                              as calories_kcal,
        source_file,
        source_line
    from daily
),

daily_deduplicated as (
    select
        *,
        (count(*) over (partition by user_id, activity_date))::integer as source_rows
    from daily_rows
    qualify row_number() over (
        partition by user_id, activity_date
        order by tracked_minutes desc nulls last, steps desc, source_file desc, source_line desc
    ) = 1
),

hours as (
    select
        trim(id)          as user_id,
        activity_hour,
        max(step_total)   as steps
    from hourly
    group by all
),

hours_per_day as (
    select
        user_id,
        activity_hour::date                    as activity_date,
        sum(steps)::integer                             as hourly_steps,
        count(*)::integer                               as hours_recorded,
        count(*) filter (where steps >= 250)::integer   as active_hours
    from hours
    group by all
),

final as (
    select
        d.user_id,
        d.activity_date,
        d.steps,
        d.total_distance_km,
        d.tracker_distance_km,
        d.logged_activities_distance_km,
        d.very_active_distance_km,
        d.moderately_active_distance_km,
        d.light_active_distance_km,
        d.sedentary_active_distance_km,
        d.very_active_minutes,
        d.fairly_active_minutes,
        d.lightly_active_minutes,
        d.sedentary_minutes,
        d.tracked_minutes,
        d.calories_kcal,
        h.hourly_steps,
        coalesce(h.hours_recorded, 0)          as hours_recorded,
        h.active_hours,
        h.hourly_steps = d.steps               as hourly_steps_match,
        d.source_rows,
        d.source_file,
        d.source_line
    from daily_deduplicated d
    left join hours_per_day h
      on h.user_id = d.user_id
     and h.activity_date = d.activity_date
)

select * from final
order by user_id, activity_date
