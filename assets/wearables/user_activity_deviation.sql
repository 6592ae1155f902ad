-- Each user-day against the user's baseline: steps as a ratio of the baseline and their difference from it, the same
-- for the mean steps of the 7 calendar days ending that day (days with a record only), and whether the day is inside
-- the baseline window (between its first and last date, inactive days included). Null without steps or without a
-- baseline; a day without a record has no steps, a recorded day without steps has ratio 0.
with days as (
    select * from {{ ref('user_daily_activity') }}
),

baselines as (
    select * from {{ ref('user_baseline_activity') }}
),

rolling as (
    select
        *,
        avg(steps) over last_7_days     as rolling_7d_mean_steps,
        (count(steps) over last_7_days)::integer as rolling_7d_recorded_days
    from days
    window last_7_days as (
        partition by user_id order by activity_date
        range between interval 6 days preceding and current row
    )
),

final as (
    select
        r.user_id,
        r.activity_date,
        r.day_number,
        r.has_record,
        r.is_active_day,
        r.steps,
        b.baseline_steps,
        r.steps / b.baseline_steps                                                  as steps_ratio,
        r.steps - b.baseline_steps                                                  as steps_delta,
        coalesce(r.activity_date between b.baseline_start_date and b.baseline_end_date, false)
                                                                                    as in_baseline_window,
        coalesce(r.activity_date > b.baseline_end_date, false)                      as after_baseline_window,
        b.is_baseline_complete,
        r.rolling_7d_recorded_days,
        r.rolling_7d_mean_steps,
        r.rolling_7d_mean_steps / b.baseline_steps                                  as rolling_7d_steps_ratio
    from rolling r
    left join baselines b
      on b.user_id = r.user_id
)

select * from final
order by user_id, activity_date
