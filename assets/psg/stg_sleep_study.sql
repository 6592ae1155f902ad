-- Sleep study summaries, typed: one row per study and study date.
-- Study ids repeat across dates in real exports (a subject studied again), so the key is (study_id, study_date);
-- a row exported twice for the same study and date is kept once (the latest recording start).
with studies as (
    select * from {{ ref('raw_sleep_studies') }}
),

typed as (
    select
        trim(study_id)                               as study_id,
        trim(subject_id)                             as subject_id,
        try_cast(night as integer)                   as night,
        try_cast(study_date as date)                 as study_date,
        try_cast(recording_start as timestamp)       as recording_start,
        psg_file,
        hypnogram_file,
        try_cast(time_in_bed_min as double)          as time_in_bed_min,
        try_cast(total_sleep_time_min as double)     as total_sleep_time_min,
        try_cast(sleep_efficiency_pct as double)     as sleep_efficiency_pct,
        try_cast(sleep_onset_latency_min as double)  as sleep_onset_latency_min,
        try_cast(rem_latency_min as double)          as rem_latency_min,
        try_cast(waso_min as double)                 as waso_min,
        try_cast(n1_min as double)                   as n1_min,
        try_cast(n2_min as double)                   as n2_min,
        try_cast(n3_min as double)                   as n3_min,
        try_cast(rem_min as double)                  as rem_min,
        try_cast(apnea_count as integer)             as reported_apnea_count,
        try_cast(hypopnea_count as integer)          as reported_hypopnea_count,
        try_cast(ahi as double)                      as reported_ahi,
        try_cast(arousal_index as double)            as reported_arousal_index,
        try_cast(odi as double)                      as reported_odi
    from studies
    where nullif(trim(study_id), '') is not null
),

final as (
    select *
    from typed
    where study_date is not null
    qualify row_number() over (partition by study_id, study_date order by recording_start desc nulls last) = 1
)

select * from final
order by study_date, study_id
