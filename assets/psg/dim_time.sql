-- Calendar dimension: one row per day from the first to the last study date (studies and events).
with dates as (
    select study_date from {{ ref('stg_sleep_study') }}
    union all
    select study_date from {{ ref('stg_events') }}
),

bounds as (
    select min(study_date) as first_day, max(study_date) as last_day
    from dates
    where study_date is not null
),

days as (
    select cast(d as date) as date_day
    from bounds, range(first_day::timestamp, last_day::timestamp + interval 1 day, interval 1 day) t(d)
    where first_day is not null
),

final as (
    select
        date_day,
        year(date_day)::integer                          as year,
        quarter(date_day)::integer                       as quarter,
        month(date_day)::integer                         as month,
        monthname(date_day)                              as month_name,
        day(date_day)::integer                           as day_of_month,
        dayofweek(date_day)::integer                     as day_of_week,
        dayname(date_day)                                as day_name,
        isodow(date_day) in (6, 7)                       as is_weekend,
        weekofyear(date_day)::integer                    as iso_week,
        yearweek(date_day)::integer                      as iso_year_week
    from days
)

select * from final
order by date_day
