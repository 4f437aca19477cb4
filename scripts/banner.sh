#!/usr/bin/env bash
# What `make run` prints before the server starts: where to go and how to log in.
port=${1:-8080}
cat <<MSG

  fuyou 妇幼 — http://127.0.0.1:${port}/

  演示账号 demo logins (password: fuyou-demo-2026)
    mama          孕产妇 citizen
    doctor        社区医生 community_doctor  (徐汇区)
    obstetrician  产科医生 obstetrician      (徐汇区)
    rescue        抢救中心 rescue_center
    district      区妇幼所 district_admin    (徐汇区)
    city          市级管理 city_admin
    admin         系统管理员 sys_admin

MSG
