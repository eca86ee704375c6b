import { useT } from '../../i18n.js';
import type { MemberList } from '../../api.js';

/** Staff of one organisation, as colleagues see them. */
export function MembersTable({ items, caption }: { items: MemberList['items']; caption: string }) {
  const t = useT();
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('web.members.name')}</th>
            <th scope="col">{t('web.members.email')}</th>
            <th scope="col">{t('web.members.role')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((m) => (
            <tr key={m.id}>
              <td>{m.name}</td>
              <td>
                <a href={`mailto:${m.email}`}>{m.email}</a>
              </td>
              <td>{t(`web.roles.${m.role}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
