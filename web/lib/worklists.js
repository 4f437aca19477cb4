// The work lists (工作清单) and how to count them. A list whose endpoint is
// not there yet counts as "missing" and the page says so in Chinese.
import { api } from './api.js';

export const LISTS = {
  'high-risk': { label: '高危专案', hint: '橙色、红色、紫色及专案管理中的孕产妇', tile: 'orange' },
  overdue: { label: '逾期未检', hint: '未按时产检的孕妇', tile: 'red' },
  postpartum: { label: '产后访视', hint: '待完成的产后访视与42天检查', tile: 'purple' },
  'screening-recall': { label: '筛查召回', hint: '新生儿疾病筛查阳性待召回、未筛查', tile: 'brand' },
  reviews: { label: '待评审', hint: '危重孕产妇与死亡病例待评审', tile: 'red' },
};

export const LISTS_BY_ROLE = {
  community_doctor: ['high-risk', 'overdue', 'postpartum', 'screening-recall'],
  obstetrician: ['high-risk', 'overdue', 'postpartum', 'screening-recall'],
  rescue_center: ['high-risk', 'overdue'],
  district_admin: ['high-risk', 'overdue', 'postpartum', 'screening-recall', 'reviews'],
  city_admin: ['high-risk', 'overdue', 'postpartum', 'screening-recall', 'reviews'],
  sys_admin: ['high-risk', 'overdue', 'postpartum', 'screening-recall', 'reviews'],
};

// { total } or { missing: true } or { error }
export async function countOf(kind, query = {}) {
  try {
    const r = await api.get(`/worklists/${kind}`, { ...query, page_size: 1 });
    return { total: r.total ?? (r.items || []).length };
  } catch (e) {
    return e.missing ? { missing: true } : { error: e };
  }
}
